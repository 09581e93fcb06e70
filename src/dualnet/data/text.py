"""Text corpora for next-token prediction: read, tokenised (characters, jamo or words), windowed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from dualnet.data import jamo
from dualnet.data.errors import DataCorruptError, DataNotFoundError
from dualnet.data.locate import DatasetFile, find_local, not_found_message

SHARED = {"english": DatasetFile("tinyshakespeare", "input.txt"),
          "korean": DatasetFile("korean", "taepyeongcheonha.txt")}


def read_corpus(path) -> str:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"{path}: corpus file not found; pass --corpus FILE with a UTF-8 text file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataCorruptError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); convert it first, "
                               "e.g. iconv -f CP949 -t UTF-8 FILE > FILE.utf8") from None


def find_shared_corpus(language: str, data_dir=None) -> Path:
    """The default corpus of a language, where the loaders look (the data directory, $DUALNET_DATA)."""
    corpus = SHARED[language]
    path = find_local(corpus, data_dir)
    if path is None:
        raise DataNotFoundError(not_found_message(corpus, data_dir, None, ["pass --corpus FILE with any UTF-8 text"]))
    return path


def tokens_of(text: str, level: str) -> list[str]:
    if level == "char":
        return list(text)
    if level == "jamo":
        return list(jamo.split(text))
    if level == "word":
        return text.split()
    raise ValueError(f"unknown token level {level!r}: char, jamo or word")


def detokenize(tokens: list[str], level: str) -> str:
    if level == "word":
        return " ".join(tokens)
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
