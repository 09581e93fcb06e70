"""Where dataset files are looked for, in order, and how a missing one is fetched.

Order: the data directory the user names (--data-dir or $DUALNET_DATA), the
system places (Debian's dataset packages), Keras's cache (~/.keras/datasets or
$KERAS_HOME/datasets), and last a download from the official source into
Keras's cache, so a file fetched once is found there next time.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dualnet.data.errors import DataCorruptError, DataNotFoundError

DATA_ENV = "DUALNET_DATA"


@dataclass(frozen=True)
class DatasetFile:
    """One file of a dataset: its name, where it may live, and what its bytes must hash to."""

    dataset: str               # folder name, e.g. "fashion-mnist"
    name: str                  # file name as shipped, e.g. "train-labels-idx1-ubyte.gz"
    md5: str | None = None     # of the *unpacked* bytes (a .gz is verified after gunzip)
    sha256: str | None = None  # of the unpacked bytes
    url: str | None = None     # official download address
    system_dirs: tuple[str, ...] = ()
    keras_subdir: str | None = None  # where Keras's own loader caches it under ~/.keras/datasets (None: dataset)


def keras_cache_dir() -> Path:
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "datasets"


def keras_download_dir(f: DatasetFile) -> Path:
    """Where Keras's own loader keeps the file, so that a file either of us fetched serves both."""
    return keras_cache_dir() / (f.dataset if f.keras_subdir is None else f.keras_subdir)


def user_data_dirs(data_dir: str | os.PathLike | None) -> list[Path]:
    """The user's own data directories: the one named on the command line, then $DUALNET_DATA."""
    dirs = []
    for d in (data_dir, os.environ.get(DATA_ENV)):
        if d:
            dirs.append(Path(d).expanduser())
    return dirs


def candidate_paths(f: DatasetFile, data_dir=None) -> list[Path]:
    """Every path the file may be at, in the order we look. A user directory may hold
    the file itself or a folder named after the dataset; the .gz or the unpacked file."""
    names = [f.name]
    if f.name.endswith(".gz") and not f.name.endswith(".tar.gz"):
        names.append(f.name[:-3])
    places = []
    for d in user_data_dirs(data_dir):
        places += [d, d / f.dataset]
    places += [Path(s) for s in f.system_dirs]
    places.append(keras_download_dir(f))
    if keras_download_dir(f) != keras_cache_dir() / f.dataset:
        places.append(keras_cache_dir() / f.dataset)
    return [p / n for p in places for n in names]


def find_local(f: DatasetFile, data_dir=None) -> Path | None:
    for path in candidate_paths(f, data_dir):
        if path.is_file():
            return path
    return None


def read_bytes(path: Path) -> bytes:
    """The unpacked content of a file, gunzipping a .gz (a .tar.gz is kept whole: its checksum is the
    archive's, and tarfile reads it); a broken archive is a DataCorruptError."""
    try:
        if path.suffix == ".gz" and not path.name.endswith(".tar.gz"):
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataCorruptError(
            f"{path}: cannot be read as {'a gzip archive' if path.suffix == '.gz' else 'a file'} "
            f"({exc}). The file is damaged or truncated: delete it and get it again."
        ) from exc


def verify_checksum(f: DatasetFile, path: Path, content: bytes) -> None:
    for algo, expected in (("md5", f.md5), ("sha256", f.sha256)):
        if expected is None:
            continue
        found = hashlib.new(algo, content).hexdigest()
        if found != expected:
            raise DataCorruptError(
                f"{path}: checksum mismatch: the unpacked bytes have {algo} {found}, "
                f"expected {expected} ({len(content):,} bytes read). The file is damaged or "
                f"not the official {f.name}: delete it and get it again."
            )


def download(f: DatasetFile) -> Path:
    """Fetch the official file into Keras's cache, writing to a temporary name first."""
    target_dir = keras_download_dir(f)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f.name
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=f".{f.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(f.url, timeout=60) as resp:
            shutil.copyfileobj(resp, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def not_found_message(f: DatasetFile, data_dir, download_error: Exception | None, fixes: list[str]) -> str:
    tried = "\n".join(f"  - {p}" for p in candidate_paths(f, data_dir))
    lines = [f"{f.dataset}: the file {f.name} was not found. Looked in, in order:", tried]
    if f.url:
        why = f" ({download_error})" if download_error else ""
        lines.append(f"  - download from {f.url} failed{why}")
    lines.append("Fix it in one of these ways:")
    lines += [f"  * {fix}" for fix in fixes]
    lines.append(f"  * put {f.name} in a folder and pass --data-dir FOLDER (or set {DATA_ENV}=FOLDER)")
    return "\n".join(lines)


def fetch(f: DatasetFile, data_dir=None, fixes=(), parse=None, verify=True, allow_download=True,
          parse_is_safe=True):
    """Find (or download) a dataset file, read its unpacked bytes, and return parse(path, content).

    The checksum is verified before the content is parsed, so a parser never sees bytes that are not
    the official ones. Where a mismatch is found and the parser is safe on any bytes (IDX, text,
    JSON: parse_is_safe), it is run to say what is wrong ("truncated: expected N bytes" says more
    than a hash); a parser of a format that can carry code (.npz) never runs on unverified bytes.
    verify=False skips the checksum, for a user's own files in the same format (a subset, say)."""
    path = find_local(f, data_dir)
    download_error = None
    if path is None and allow_download and f.url:
        try:
            path = download(f)
        except Exception as exc:  # no network, HTTP error, disk full: all end in the same advice
            download_error = exc
    if path is None:
        raise DataNotFoundError(not_found_message(f, data_dir, download_error, list(fixes)))
    content = read_bytes(path)
    if verify:
        try:
            verify_checksum(f, path, content)
        except DataCorruptError:
            if parse and parse_is_safe:
                parse(path, content)  # raises the more specific error where there is one
            raise
    return parse(path, content) if parse else content
