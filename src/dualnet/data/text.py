"""Text corpora for next-token prediction: read, tokenised (characters, jamo or words), windowed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from dualnet.data import jamo
from dualnet.data.errors import DataCorruptError, DataNotFoundError
from dualnet.data.locate import DatasetFile, fetch

# The default corpora. tinyshakespeare: karpathy/char-rnn's copy (public-domain Shakespeare).
# 『태평천하』 (채만식, 1938; public domain) has no official download: put the file in the data directory.
SHARED = {"english": DatasetFile("tinyshakespeare", "input.txt",
                                 sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                                 url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
                                     "tinyshakespeare/input.txt"),
          "korean": DatasetFile("korean", "taepyeongcheonha.txt",
                                sha256="0af7c071f02d1c7d5b017bb14a533ce6bf6b42ecc7415050026218d039dd1b4f")}


def read_corpus(path) -> str:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path}: corpus file not found; pass --corpus FILE with a UTF-8 text file")
    return decode_corpus(path, path.read_bytes())


def decode_corpus(path, content: bytes) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataCorruptError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); convert it first, "
                               "e.g. iconv -f CP949 -t UTF-8 FILE > FILE.utf8") from None


def load_shared_corpus(language: str, data_dir=None, verify: bool = True) -> tuple[str, Path]:
    """(text, path) of a language's default corpus: the data directory, $DUALNET_DATA, Keras's cache,
    or the official download where there is one; checked against its sha256 unless verify is off."""
    corpus = SHARED[language]
    return fetch(corpus, data_dir, fixes=["pass --corpus FILE with any UTF-8 text"],
                 parse=lambda path, content: (decode_corpus(path, content), path), verify=verify)


# The book's cleaning for word-level generation (7.34), in effect: keep Hangul, Latin letters, digits and
# (),!?'` ; cut "'ll" off its word; "," "!" and "?" become words of their own; brackets are dropped;
# apostrophes are removed last. (The book writes "?" as "\?" by a quirk of its replacement string;
# the token's spelling does not change what the model learns, so it is kept as "?".)
_NOT_KEPT = re.compile(r"[^가-힣A-Za-z0-9(),!?'`]")


def clean_line_for_words(line: str) -> str:
    line = _NOT_KEPT.sub(" ", line)
    line = line.replace("'ll", " 'll")
    for mark in ",!?":
        line = line.replace(mark, f" {mark} ")
    line = line.replace("(", "").replace(")", "")
    line = re.sub(r"\s{2,}", " ", line)
    return re.sub(r"'{2,}", "'", line).replace("'", "")


def words_with_line_breaks(text: str) -> list[str]:
    """Book 7.34: each line cleaned and split at single spaces, a "\n" word after every line, empty
    words dropped."""
    words = []
    for line in text.split("\n"):
        words += clean_line_for_words(line).split(" ")
        words.append("\n")
    return [w for w in words if w]


def tokens_of(text: str, level: str) -> list[str]:
    if level == "char":
        return list(text)
    if level == "jamo":
        return list(jamo.split(text))
    if level == "word":
        return words_with_line_breaks(text)
    raise ValueError(f"unknown token level {level!r}: char, jamo or word")


def detokenize(tokens: list[str], level: str) -> str:
    if level == "word":
        return " ".join(tokens).replace(" \n ", "\n").replace("\n ", "\n")
    text = "".join(tokens)
    return jamo.join(text) if level == "jamo" else text


def build_vocabulary(tokens, max_size: int | None = None) -> list[str]:
    """Tokens by falling frequency (ties by first appearance), most frequent first."""
    counts = Counter(tokens)
    return [t for t, _ in counts.most_common(max_size)]


def windows(ids: np.ndarray, window: int, stride: int = 1):
    """(x, y): every `window` consecutive ids (stepping by `stride`) and the id that follows."""
    starts = np.arange(0, len(ids) - window, stride)
    view = np.lib.stride_tricks.sliding_window_view(ids, window)
    return view[starts].copy(), ids[starts + window].copy()


def chunks(ids: np.ndarray, window: int):
    """Book 7.37 and 7.48: the token stream cut into consecutive, non-overlapping pieces of window + 1
    (a remainder shorter than that is dropped); each gives `window` tokens and the one that follows."""
    return windows(ids, window, stride=window + 1)
