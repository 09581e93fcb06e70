"""The IMDB loader on small archives the tests write: Keras's index semantics and the Do-it split."""

import io
import json
import tarfile

import numpy as np
import pytest

from dualnet.data import DataCorruptError, DataNotFoundError
from dualnet.data import imdb

WORDS = ["the", "and", "a", "of", "to", "is", "br", "in", "it", "i", "this", "movie", "good", "bad", "don't"]


def write_archive(folder, n=25000, text=lambda i: "The movie is good.<br />I don't know!"):
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "aclImdb_labelled.tar.gz", "w:gz") as archive:
        for split in ("train", "test"):
            for i in range(n):
                polarity = "pos" if i % 2 else "neg"
                data = text(i).encode()
                info = tarfile.TarInfo(f"aclImdb/{split}/{polarity}/{i // 2}_{8 if i % 2 else 2}.txt")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    (folder / "imdb_word_index.json").write_text(json.dumps({w: i + 1 for i, w in enumerate(WORDS)}))


@pytest.fixture(scope="module")
def imdb_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("imdb")
    write_archive(folder, text=lambda i: "The movie is good.<br />I don't know!" if i % 2 else "This bad movie")
    return folder


@pytest.fixture(autouse=True)
def any_word_index(monkeypatch):
    """The test's small word index and archive stand in for the real ones (whose hashes the loader checks)."""
    monkeypatch.setattr(imdb, "WORD_INDEX", imdb.DatasetFile("imdb", "imdb_word_index.json"))
    monkeypatch.setattr(imdb, "RAW", imdb.DatasetFile("imdb", "aclImdb_labelled.tar.gz"))
    monkeypatch.setenv("KERAS_HOME", "/nonexistent-keras-home")


def test_tokenize_like_the_word_index():
    assert imdb.tokenize("The movie is GOOD.<br />I don't-know!") == ["the", "movie", "is", "good", "br", "i",
                                                                       "don't", "know"]


def test_keras_index_semantics(imdb_dir):
    (x, y), (xt, yt), info = imdb.load_imdb(imdb_dir)
    assert info["source"] == "aclImdb_labelled.tar.gz"
    assert 0.85 < info["tokens_in_word_index"] < 0.95  # "know" is not in the test's index: 1 token of 11.5
    assert len(x) == len(xt) == 25000 and set(np.unique(y)) == {0, 1}
    positive = x[int(np.argmax(y == 1))]
    # start_char 1, then ranks + 3: the=4, movie=15, is=9, good=16, br=10, i=13, don't=18, know -> oov 2
    assert positive == [1, 4, 15, 9, 16, 10, 13, 18, 2]
    negative = x[int(np.argmax(y == 0))]
    assert negative == [1, 14, 17, 15]


def test_num_words_and_skip_top(imdb_dir):
    (x, y), _, _ = imdb.load_imdb(imdb_dir, num_words=12, skip_top=5)
    positive = x[int(np.argmax(y == 1))]
    assert positive == [2, 2, 2, 9, 2, 10, 2, 2, 2]  # kept: 5 <= w < 12


def test_shuffle_is_fixed_by_the_seed(imdb_dir):
    (_, y1), _, _ = imdb.load_imdb(imdb_dir)
    (_, y2), _, _ = imdb.load_imdb(imdb_dir)
    (_, y3), _, _ = imdb.load_imdb(imdb_dir, seed=1)
    assert np.array_equal(y1, y2) and not np.array_equal(y1, y3)


def test_pad_sequences_matches_keras():
    import keras

    sequences = [[1, 2, 3], [4, 5, 6, 7, 8, 9], [], [10]]
    for padding in ("pre", "post"):
        for truncating in ("pre", "post"):
            np.testing.assert_array_equal(
                imdb.pad_sequences(sequences, 4, padding, truncating),
                keras.utils.pad_sequences(sequences, 4, padding=padding, truncating=truncating))


def test_doit_split():
    x = [[1, 2, 50 + i % 7] for i in range(25000)]
    y = np.arange(25000) % 2
    x_train, y_train, x_val, y_val = imdb.doit_split(x, y, maxlen=5)
    assert x_train.shape == (20000, 5) and x_val.shape == (5000, 5)
    assert (x_train[:, :4] == 0).all() and (x_train[:, 4] >= 50).all()  # tokens <= 2 removed, padded in front
    order = np.random.RandomState(42).permutation(25000)
    np.testing.assert_array_equal(y_val, y[order[20000:]])


def test_missing_and_broken_sources(tmp_path):
    with pytest.raises(DataNotFoundError, match="aclImdb_labelled.tar.gz"):
        imdb.load_imdb(tmp_path, allow_download=False)
    (tmp_path / "aclImdb_labelled.tar.gz").write_bytes(b"not a tar file")
    with pytest.raises(DataNotFoundError, match="imdb_word_index.json was not found"):
        imdb.load_imdb(tmp_path, allow_download=False)
    (tmp_path / "imdb_word_index.json").write_text(json.dumps({"the": 1}))
    with pytest.raises(DataCorruptError, match="cannot be read as the labelled IMDB archive"):
        imdb.load_imdb(tmp_path, allow_download=False)
    write_archive(tmp_path / "short", n=10)
    with pytest.raises(DataCorruptError, match="10 train reviews, expected 25,000"):
        imdb.load_imdb(tmp_path / "short", allow_download=False)


def test_limit_reaches_the_validation_set_too(imdb_dir):
    """--limit N: a quick try is quick throughout (validation was once left at 5,000)."""
    from dualnet import experiments
    from dualnet.experiments.inputs import prepare
    from dualnet.runner import RunOptions

    splits = prepare(experiments.get("doit-embedding-rnn"), RunOptions(limit=50, data_dir=str(imdb_dir)),
                     np.random.default_rng(0))
    assert splits.sizes() == {"train": 50, "validation": 50, "test": 50}
