"""No file dualnet reads can run code: a crafted file is refused with a clear error, and nothing runs,
for every loader; the checksum is checked before a parser that could be abused ever sees the bytes."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from dualnet.data import DataCorruptError, imdb, locate, nsmc
from dualnet.data.fashion_mnist import load_fashion_mnist
from dualnet.data.safe_npz import load_npz


class Payload:
    """Unpickling this creates a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def npz_bytes(arrays: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(array), allow_pickle=True)
            archive.writestr(name + ".npy", member.getvalue())
    return out.getvalue()


def crafted_npz(marker) -> bytes:
    """An imdb.npz whose x_train is an object array holding a pickled call to os.system."""
    x = np.empty(1, dtype=object)
    x[0] = Payload(marker)
    return npz_bytes({"x_train": x, "y_train": np.zeros(1, np.int64), "x_test": x, "y_test": np.zeros(1, np.int64)})


def keras_like_npz() -> bytes:
    ragged = np.empty(3, dtype=object)
    ragged[:] = [[1, 14, 22], [1, 5], [1, 2, 3, 4]]
    return npz_bytes({"x_train": ragged, "y_train": np.array([1, 0, 1]), "x_test": ragged,
                      "y_test": np.array([0, 1, 1])})


def test_the_array_only_reader_reads_keras_format():
    arrays = load_npz("imdb.npz", keras_like_npz())
    assert [list(x) for x in arrays["x_train"]] == [[1, 14, 22], [1, 5], [1, 2, 3, 4]]
    np.testing.assert_array_equal(arrays["y_test"], [0, 1, 1])


def test_a_crafted_npz_runs_nothing(tmp_path):
    marker = tmp_path / "code-ran"
    with pytest.raises(DataCorruptError, match="refused to load"):
        load_npz("imdb.npz", crafted_npz(marker))
    assert not marker.exists()


@pytest.mark.parametrize("verify", [True, False])
def test_a_crafted_imdb_npz_in_the_data_directory_runs_nothing(tmp_path, monkeypatch, verify):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    marker = tmp_path / "code-ran"
    (tmp_path / "imdb.npz").write_bytes(crafted_npz(marker))
    expected = "checksum mismatch" if verify else "refused to load"
    with pytest.raises(DataCorruptError, match=expected):
        imdb.load_imdb(tmp_path, allow_download=False, verify=verify)
    assert not marker.exists()


def test_keras_cache_layout_is_found(tmp_path, monkeypatch):
    """Keras keeps imdb.npz directly in ~/.keras/datasets/: a copy there is used (here one of our own
    making, read with the checksum off)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "imdb.npz").write_bytes(keras_like_npz())
    (x_train, y_train), _, info = imdb.load_imdb(None, allow_download=False, verify=False)
    assert info["source"] == "imdb.npz" and len(x_train) == 3


def test_checksum_is_verified_before_an_unsafe_parser_runs(tmp_path):
    seen = []
    f = locate.DatasetFile("x", "x.bin", sha256="0" * 64)
    (tmp_path / "x.bin").write_bytes(b"anything")
    with pytest.raises(DataCorruptError, match="checksum mismatch"):
        locate.fetch(f, tmp_path, parse=lambda path, content: seen.append(content), parse_is_safe=False)
    assert seen == []


PICKLE_BYTES = pickle.dumps(Payload("/tmp/dualnet-test-code-ran"))


@pytest.mark.parametrize("loader", ["fashion-mnist", "nsmc", "imdb word index"])
def test_every_other_loader_refuses_a_pickle_cleanly(tmp_path, loader, monkeypatch):
    """The other formats (IDX, tab-separated text, JSON) are parsed as bytes, never unpickled: a
    pickle put in their place is a data error naming the file, and runs nothing."""
    marker = "/tmp/dualnet-test-code-ran"
    if os.path.exists(marker):
        os.remove(marker)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    if loader == "fashion-mnist":
        for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                     "t10k-labels-idx1-ubyte"):
            (tmp_path / name).write_bytes(PICKLE_BYTES)
        call = lambda: load_fashion_mnist(tmp_path, allow_download=False)  # noqa: E731
    elif loader == "nsmc":
        for name in ("ratings_train.txt", "ratings_test.txt"):
            (tmp_path / name).write_bytes(PICKLE_BYTES)
        call = lambda: nsmc.load_nsmc(tmp_path)  # noqa: E731
    else:
        (tmp_path / "imdb_word_index.json").write_bytes(PICKLE_BYTES)
        call = lambda: imdb.load_word_index(tmp_path)  # noqa: E731
    with pytest.raises(DataCorruptError) as error:
        call()
    assert str(tmp_path) in str(error.value)
    assert not os.path.exists(marker)
    json.dumps(str(error.value))  # a plain message
