"""Fashion-MNIST loading: the good path, every place looked in, and every kind of broken file."""

import gzip
import hashlib
import io

import numpy as np
import pytest
from conftest import idx_bytes, make_fashion, write_idx

from dualnet.data import DataCorruptError, DataNotFoundError, fashion_mnist, load_fashion_mnist


def test_loads_keras_layout_from_user_dir(isolated_data):
    arrays = make_fashion(isolated_data / "mine")
    (x, y), (xt, yt) = load_fashion_mnist(isolated_data / "mine", verify=False)
    assert x.shape == (300, 28, 28) and y.shape == (300,) and xt.shape == (100, 28, 28) and yt.shape == (100,)
    assert x.dtype == y.dtype == np.uint8
    np.testing.assert_array_equal(x, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(yt, arrays["t10k-labels-idx1-ubyte"])
    assert x.flags.writeable


def test_unpacked_files_and_env_variable_are_found(isolated_data, monkeypatch):
    make_fashion(isolated_data / "env" / "fashion-mnist", gz=False)  # a dataset-named sub-folder, not gzipped
    monkeypatch.setenv("DUALNET_DATA", str(isolated_data / "env"))
    (x, _), _ = load_fashion_mnist(verify=False)
    assert x.shape == (300, 28, 28)


def test_official_checksums_are_enforced(isolated_data):
    make_fashion(isolated_data / "mine")
    with pytest.raises(DataCorruptError) as err:
        load_fashion_mnist(isolated_data / "mine")
    message = str(err.value)
    assert "train-images-idx3-ubyte.gz" in message and "checksum mismatch" in message
    assert "f4a8712d7a061bf5bd6d2ca38dc4d50a" in message  # the expected md5 of the unpacked bytes
    found = hashlib.md5(gzip.decompress((isolated_data / "mine" / "train-images-idx3-ubyte.gz").read_bytes()))
    assert found.hexdigest() in message


def test_matching_checksums_pass(isolated_data, monkeypatch):
    folder = isolated_data / "mine"
    make_fashion(folder)
    files = {}
    for key, f in fashion_mnist.FILES.items():
        md5 = hashlib.md5(gzip.decompress((folder / f.name).read_bytes())).hexdigest()
        files[key] = f.__class__(**{**f.__dict__, "md5": md5})
    monkeypatch.setattr(fashion_mnist, "FILES", files)
    (x, _), _ = load_fashion_mnist(folder)
    assert len(x) == 300


def test_missing_file_names_it_every_place_and_both_fixes(isolated_data):
    with pytest.raises(DataNotFoundError) as err:
        load_fashion_mnist(isolated_data / "nowhere")
    message = str(err.value)
    assert "train-images-idx3-ubyte.gz" in message
    assert str(isolated_data / "nowhere") in message
    assert str(isolated_data / "system") in message
    assert str(isolated_data / "keras-home" / "datasets" / "fashion-mnist") in message
    assert "download from https://" in message and "network is unreachable" in message
    assert "apt-get install dataset-fashion-mnist" in message and "--data-dir" in message


def test_download_goes_to_keras_cache_and_is_verified(isolated_data, monkeypatch):
    """A fake server answers with gzip files; they land in Keras's cache and are checksum-verified."""
    from dualnet.data import locate

    served = {}
    arrays = {"train-images-idx3-ubyte.gz": np.zeros((5, 28, 28)), "train-labels-idx1-ubyte.gz": np.zeros(5),
              "t10k-images-idx3-ubyte.gz": np.ones((2, 28, 28)), "t10k-labels-idx1-ubyte.gz": np.ones(2)}
    files = {}
    for key, f in fashion_mnist.FILES.items():
        content = idx_bytes(arrays[f.name])
        served[f.url] = gzip.compress(content)
        files[key] = f.__class__(**{**f.__dict__, "md5": hashlib.md5(content).hexdigest()})
    monkeypatch.setattr(fashion_mnist, "FILES", files)
    monkeypatch.setattr(locate.urllib.request, "urlopen", lambda url, timeout=None: io.BytesIO(served[url]))
    (x, y), (xt, yt) = load_fashion_mnist()
    assert x.shape == (5, 28, 28) and xt.shape == (2, 28, 28)
    cached = isolated_data / "keras-home" / "datasets" / "fashion-mnist"
    assert sorted(p.name for p in cached.iterdir()) == sorted(arrays)  # no temporary file left behind


@pytest.mark.parametrize("break_it, expected", [
    (lambda p: p.write_bytes(gzip.compress(gzip.decompress(p.read_bytes())[:-100])), "truncated"),
    (lambda p: p.write_bytes(p.read_bytes()[:50]), "gzip"),
    (lambda p: write_idx(p, np.zeros(300)), "wrong magic number 0x00000801, expected 0x00000803"),
    (lambda p: write_idx(p, np.zeros((300, 28, 27))), "items are 28x27, expected 28x28"),
    (lambda p: p.write_bytes(gzip.compress(b"\x00\x00")), "only 2 bytes"),
])
def test_broken_image_file_is_named_with_expected_and_found(isolated_data, break_it, expected):
    folder = isolated_data / "mine"
    make_fashion(folder)
    target = folder / "train-images-idx3-ubyte.gz"
    break_it(target)
    with pytest.raises(DataCorruptError) as err:
        load_fashion_mnist(folder, verify=False)
    assert str(target) in str(err.value)
    assert expected in str(err.value)


def test_truncated_message_gives_both_sizes(isolated_data):
    folder = isolated_data / "mine"
    make_fashion(folder)
    target = folder / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(gzip.compress(gzip.decompress(target.read_bytes())[:1000]))
    with pytest.raises(DataCorruptError, match=r"announces 100 items .* 78,416 bytes, but the file has 1,000"):
        load_fashion_mnist(folder, verify=False)


def test_label_count_must_match_image_count(isolated_data):
    folder = isolated_data / "mine"
    make_fashion(folder)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(299))
    with pytest.raises(DataCorruptError, match="300 images but 299 labels"):
        load_fashion_mnist(folder, verify=False)


def test_label_out_of_range(isolated_data):
    folder = isolated_data / "mine"
    make_fashion(folder)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.full(100, 12))
    with pytest.raises(DataCorruptError, match="label 12 found; labels must be 0-9"):
        load_fashion_mnist(folder, verify=False)
