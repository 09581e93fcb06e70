"""Naver Sentiment Movie Corpus (NSMC): ratings_train.txt / ratings_test.txt, tab-separated
`id document label` with a header line; label 1 positive, 0 negative.

A malformed row (not three fields, or a label other than 0/1) is an error that names the file and
its line number: the corpus is fixed data, and a silently skipped row would change every figure.
The book's preparation (7.22-7.25): its clean_str (keep Hangul, Latin letters, digits and (),!?'` ;
English contractions cut off their word; , ! ( ) ? made words of their own; apostrophes removed; lower
case), words split at single spaces (so an empty word appears where a sentence starts or ends with a
space, as in the book), each word cut to 5 characters and each sentence to 25 words, the 20,000 most
frequent words indexed, padded after the words.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from dualnet.data.errors import DataCorruptError
from dualnet.data.locate import DatasetFile, fetch

# Naver Sentiment Movie Corpus v1.0 (Lucy Park, CC0 1.0), from the corpus's own repository.
_SOURCE = "https://raw.githubusercontent.com/e9t/nsmc/master/"
FILES = {"train": DatasetFile("nsmc", "ratings_train.txt", url=_SOURCE + "ratings_train.txt",
                              sha256="e03b7d14e9e41be8d464a28057cd25d7396c53e67aa7fd5f7e552c59b0ee2940"),
         "test": DatasetFile("nsmc", "ratings_test.txt", url=_SOURCE + "ratings_test.txt",
                             sha256="8ac9f64052f11dbf6ae0acb5e038f03d90a76f0eda7820cfb3a92d02edfcebda")}
FIXES = ["with internet access, run again: the files are downloaded from the corpus's repository",
         "or put ratings_train.txt and ratings_test.txt in the data directory"]
_NOT_KEPT = re.compile(r"[^가-힣A-Za-z0-9(),!?'`]")
_CONTRACTIONS = ("'s", "'ve", "n't", "'re", "'d", "'ll")


def read_ratings(path: Path):
    """(documents, labels) of one NSMC file."""
    return parse_ratings(path, path.read_bytes())


def parse_ratings(path: Path, content: bytes):
    try:
        lines = content.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise DataCorruptError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); not an NSMC file, "
                               "get ratings_train.txt / ratings_test.txt again") from None
    if lines[0].rstrip("\r") != "id\tdocument\tlabel":
        raise DataCorruptError(f"{path}: line 1 should be the header 'id<TAB>document<TAB>label'")
    documents, labels = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != 3 or fields[2] not in ("0", "1"):
            raise DataCorruptError(f"{path}: line {number} is malformed (expected id<TAB>document<TAB>label "
                                   f"with label 0 or 1): {line[:80]!r}")
        documents.append(fields[1])
        labels.append(int(fields[2]))
    return documents, np.array(labels, dtype=np.int64)


def clean_review(text: str) -> str:
    """Book 7.22's clean_str, in effect. (The book's "(" ")" "?" come out as "\\(" "\\)" "\\?" by a quirk of
    its replacement strings; the spelling of a token does not change what the model learns.)"""
    text = _NOT_KEPT.sub(" ", text)
    for contraction in _CONTRACTIONS:
        text = text.replace(contraction, " " + contraction)
    for mark in ",!()?":
        text = text.replace(mark, f" {mark} ")
    text = re.sub(r"\s{2,}", " ", text)
    return re.sub(r"'{2,}", "'", text).replace("'", "").lower()


def words_of(document: str, word_chars: int = 5, max_words: int = 25) -> list[str]:
    """Book 7.23-7.24: the cleaned review split at single spaces, words cut to 5 characters, 25 words."""
    return [w[:word_chars] for w in clean_review(document).split(" ")][:max_words]


class WordIndex:
    """Keras's Tokenizer(num_words) on word lists: indices from 1 by falling frequency (ties: first
    seen first); texts keep only words with an index below num_words."""

    def __init__(self, num_words: int, index: dict[str, int] | None = None):
        self.num_words, self.index = num_words, index or {}

    def fit(self, sentences) -> "WordIndex":
        counts = Counter(w for s in sentences for w in s)
        self.index = {w: i for i, (w, _) in enumerate(counts.most_common(), start=1)}
        return self

    def sequences(self, sentences) -> list[list[int]]:
        return [[self.index[w] for w in s if w in self.index and self.index[w] < self.num_words] for s in sentences]

    def to_json(self) -> dict:
        return {"num_words": self.num_words, "index": {w: i for w, i in self.index.items() if i < self.num_words}}


def load_nsmc(data_dir=None, verify: bool = True):
    """{"train": (documents, labels), "test": (...)}; verify=False skips the sha256 (your own files)."""
    return {split: fetch(f, data_dir, fixes=FIXES, parse=parse_ratings, verify=verify)
            for split, f in FILES.items()}
