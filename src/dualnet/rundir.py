"""The run folder: runs/<id>/<timestamp>/, every file written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


class OutputDirError(OSError):
    pass


class RunFolderError(ValueError):
    """A folder given as a run folder is not one (or not the kind the command needs)."""


def read_run_config(run_dir: str | os.PathLike) -> dict:
    """The config.json of a run folder, or a RunFolderError that says what was given and what is wanted."""
    run_dir = Path(run_dir)
    example = "e.g. runs/fashion-vgg/20261124-084559, the folder 'dualnet run' printed"
    if not run_dir.is_dir():
        raise RunFolderError(f"{run_dir}: no such folder; give a run folder ({example})")
    try:
        return json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFolderError(f"{run_dir}: not a run folder (it has no config.json); give a run folder ({example})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunFolderError(f"{run_dir}/config.json is damaged ({exc}); the run cannot be read") from None


def create_run_dir(out_root: str | os.PathLike, experiment_id: str) -> Path:
    """A new, empty folder for one run; a clear error when it cannot be made or written."""
    root = Path(out_root).expanduser()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        run_dir = root / experiment_id / stamp
        suffix = 1
        while run_dir.exists():  # two runs in the same second
            suffix += 1
            run_dir = root / experiment_id / f"{stamp}-{suffix}"
        run_dir.mkdir(parents=True)
        probe = run_dir / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputDirError(
            f"cannot write the run folder under {root}: {exc.strerror or exc}. "
            "Choose a folder you can write to with --out DIR."
        ) from exc
    return run_dir


def _file_mode() -> int:
    """The mode an ordinary new file gets (0o666 less the umask); mkstemp's own 0o600 would hide results."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_path(path: Path):
    """Yields a temporary path beside `path`; renamed onto it only if the block succeeds,
    so a crash or Ctrl-C never leaves a half-written file under the real name."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, data) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_history_csv(path: Path, history: dict) -> None:
    buf = io.StringIO()
    keys = list(history)
    writer = csv.writer(buf)
    writer.writerow(["epoch"] + keys)
    epochs = len(next(iter(history.values()))) if history else 0
    for i in range(epochs):
        writer.writerow([i + 1] + [f"{history[k][i]:.6g}" for k in keys])
    write_text(path, buf.getvalue())


def read_history_csv(path: Path) -> dict:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    return {k: [float(r[k]) for r in rows] for k in keys}
