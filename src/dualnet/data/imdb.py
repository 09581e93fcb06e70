"""IMDB movie reviews as keras.datasets.imdb gives them: lists of word indices.

Two sources, the first found wins:
- Keras's own imdb.npz (the data directory, Keras's cache, or the official download, checked
  against its sha256 before it is opened);
- the original labelled reviews (aclImdb_labelled.tar.gz) with Keras's word index
  (imdb_word_index.json), tokenised the way that index was made: lower case, `<br />` kept as the
  word "br", and Keras's default punctuation filters turned into spaces.

Either way the arguments mean what they mean in keras.datasets.imdb.load_data: each review starts
with start_char, word ranks are shifted by index_from, and a word outside
[skip_top, num_words) becomes oov_char.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import numpy as np

from dualnet.data.errors import DataCorruptError, DataNotFoundError
from dualnet.data.locate import DatasetFile, fetch, find_local, user_data_dirs
from dualnet.data.safe_npz import load_npz

# Keras caches both files directly in ~/.keras/datasets/ (keras_subdir "").
NPZ = DatasetFile("imdb", "imdb.npz", sha256="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
                  url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz", keras_subdir="")
RAW = DatasetFile("imdb", "aclImdb_labelled.tar.gz",
                  sha256="bf6f6e00b341577116e01aedb84ce22cbde55ce6aa2847407887326f879eb13f")
WORD_INDEX = DatasetFile("imdb", "imdb_word_index.json", md5="bfafd718b763782e994055a2d397834f",
                         url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json",
                         keras_subdir="")

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # keras Tokenizer's default; the apostrophe stays
_SPLIT = re.compile("[" + re.escape(FILTERS) + "]")
FIXES = ["with internet access, run again: Keras's imdb.npz is downloaded into Keras's cache",
         "or put aclImdb_labelled.tar.gz and imdb_word_index.json (the course's shared datasets/imdb/) "
         "in the data directory"]


def tokenize(text: str) -> list[str]:
    return _SPLIT.sub(" ", text.lower().replace("<br />", " br ")).split()


def load_word_index(data_dir=None, verify: bool = True) -> dict[str, int]:
    return fetch(WORD_INDEX, data_dir, fixes=FIXES, parse=parse_word_index, verify=verify)


def parse_word_index(path: Path, content: bytes) -> dict[str, int]:
    try:
        index = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataCorruptError(f"{path}: not Keras's word index (JSON: {exc}); get it again") from exc
    if not isinstance(index, dict):
        raise DataCorruptError(f"{path}: not Keras's word index (expected a JSON object of word: rank)")
    return index


def read_raw_reviews(path: Path, content: bytes):
    """{"train": (texts, labels), "test": (...)} from the labelled archive, files in a fixed order
    (negative then positive, by review id) so that the result does not depend on the archive's order.
    The archive is read in memory, member by member; nothing is extracted to disk."""
    found = {}
    pattern = re.compile(r"aclImdb/(train|test)/(pos|neg)/(\d+)_\d+\.txt$")
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            for member in archive:
                match = pattern.search(member.name)
                if match and member.isfile():
                    split, polarity, number = match.groups()
                    text = archive.extractfile(member).read().decode("utf-8")
                    found[(split, polarity == "pos", int(number))] = text
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataCorruptError(f"{path}: cannot be read as the labelled IMDB archive ({exc}); get it again") from exc
    out = {}
    for split in ("train", "test"):
        keys = sorted(k for k in found if k[0] == split)
        if len(keys) != 25000:
            raise DataCorruptError(f"{path}: {len(keys):,} {split} reviews, expected 25,000")
        out[split] = ([found[k] for k in keys], np.array([int(k[1]) for k in keys], dtype=np.int64))
    return out


def ranks_from_raw(data_dir=None, verify: bool = True):
    """Reviews as lists of word ranks (1 = the most frequent word), and the share of tokens found."""
    if find_local(RAW, data_dir) is None:
        raise DataNotFoundError(f"imdb: neither imdb.npz nor {RAW.name} was found; looked in "
                                f"{', '.join(str(d) for d in user_data_dirs(data_dir)) or 'no data directory'} "
                                "and Keras's cache. Fix: " + "; ".join(FIXES))
    index = load_word_index(data_dir, verify)
    reviews = fetch(RAW, data_dir, fixes=FIXES, parse=read_raw_reviews, verify=verify, allow_download=False)
    found = total = 0
    out = {}
    for split, (texts, labels) in reviews.items():
        sequences = []
        for text in texts:
            tokens = tokenize(text)
            ranks = [index.get(t, 0) for t in tokens]  # 0: not in the index
            found += sum(r > 0 for r in ranks)
            total += len(ranks)
            sequences.append(ranks)
        out[split] = (sequences, labels)
    return out, found / max(total, 1)


def ranks_from_npz(path: Path, content: bytes):
    """Keras's file stores ragged lists as object arrays (pickles): read without running code from it."""
    f = load_npz(path, content)
    missing = {"x_train", "y_train", "x_test", "y_test"} - set(f)
    if missing:
        raise DataCorruptError(f"{path}: not Keras's imdb.npz (no {', '.join(sorted(missing))}); get it again")
    return {"train": (list(f["x_train"]), f["y_train"]), "test": (list(f["x_test"]), f["y_test"])}, 1.0


def load_imdb(data_dir=None, num_words=None, skip_top=0, seed=113, start_char=1, oov_char=2, index_from=3,
              allow_download=True, source: str = "auto", verify: bool = True):
    """((x_train, y_train), (x_test, y_test)) as keras.datasets.imdb.load_data returns them
    (object arrays of lists), plus a dict describing the source and, for the raw reviews, the share
    of tokens found in the word index."""
    ranks = None
    if source in ("auto", "npz") and (find_local(NPZ, data_dir) or (allow_download and source == "npz")):
        ranks, share = fetch(NPZ, data_dir, fixes=FIXES, parse=ranks_from_npz, allow_download=allow_download,
                             verify=verify, parse_is_safe=False)
        info = {"source": "imdb.npz"}
    if ranks is None:
        if source == "npz":
            raise DataNotFoundError("imdb: imdb.npz was not found. Fix: " + "; ".join(FIXES))
        ranks, share = ranks_from_raw(data_dir, verify)
        info = {"source": RAW.name, "tokens_in_word_index": share}
    rng = np.random.RandomState(seed)  # Keras shuffles train and test with one RandomState(113)
    arrays = []
    for split in ("train", "test"):
        sequences, labels = ranks[split]
        order = np.arange(len(sequences))
        rng.shuffle(order)
        arrays.append(([sequences[i] for i in order], np.asarray(labels)[order]))
    xs = [[start_char] + [w + index_from if w > 0 else oov_char for w in s] for s in arrays[0][0] + arrays[1][0]]
    if start_char is None:
        xs = [x[1:] for x in xs]
    top = num_words or max(max(x) for x in xs if x) + 1
    xs = [[w if skip_top <= w < top else oov_char for w in x] for x in xs]
    n_train = len(arrays[0][0])
    x_train, x_test = np.empty(n_train, dtype=object), np.empty(len(xs) - n_train, dtype=object)
    x_train[:], x_test[:] = xs[:n_train], xs[n_train:]
    return (x_train, arrays[0][1]), (x_test, arrays[1][1]), info


def pad_sequences(sequences, maxlen: int, padding: str = "pre", truncating: str = "pre", value: int = 0):
    """keras.utils.pad_sequences for integer lists: (N, maxlen) int32."""
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for i, s in enumerate(sequences):
        s = list(s)[-maxlen:] if truncating == "pre" else list(s)[:maxlen]
        if s:
            if padding == "pre":
                out[i, maxlen - len(s):] = s
            else:
                out[i, :len(s)] = s
    return out


def doit_split(x_train_all, y_train_all, maxlen: int = 100):
    """Do it 09-2: drop tokens <= 2 (padding, start, out-of-vocabulary), np.random.seed(42) permutation of
    the 25,000 training reviews into 20,000 train / 5,000 validation, padded to maxlen (pre)."""
    kept = [[w for w in x if w > 2] for x in x_train_all]
    order = np.random.RandomState(42).permutation(len(kept))  # what np.random.seed(42); permutation() draws
    train, val = order[:20000], order[20000:]
    return (pad_sequences([kept[i] for i in train], maxlen), np.asarray(y_train_all)[train],
            pad_sequences([kept[i] for i in val], maxlen), np.asarray(y_train_all)[val])
