"""Shared test helpers: small Fashion-MNIST-format files the tests write themselves."""

from __future__ import annotations

import gzip
import os
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

# One process per scratch model: the suite already runs on every core (pytest -n), and a helper process
# each (dualnet/scratch/split.py) would only crowd them. tests/test_batch_split.py turns it on itself.
os.environ["DUALNET_PROCESSES"] = "1"


def idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">I", (0x08 << 8) | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_idx(path: Path, array: np.ndarray, gz: bool = True) -> Path:
    content = idx_bytes(array)
    path.write_bytes(gzip.compress(content) if gz else content)
    return path


def make_fashion(folder: Path, n_train: int = 300, n_test: int = 100, seed: int = 0, gz: bool = True) -> dict:
    """Writes the four Fashion-MNIST files with random content; returns the arrays."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(n_train, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(n_test, dtype=np.uint8) % 10,
    }
    for name, array in arrays.items():
        write_idx(folder / (name + (".gz" if gz else "")), array, gz=gz)
    return arrays


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """No dataset anywhere the loaders look, and no network: the system places are replaced by
    an empty folder, Keras's cache by another, and a download attempt fails as without internet."""
    from dualnet.data import fashion_mnist, locate

    system = tmp_path / "system"
    system.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.delenv("DUALNET_DATA", raising=False)
    monkeypatch.setattr(fashion_mnist, "FILES", {k: f.__class__(**{**f.__dict__, "system_dirs": (str(system),)})
                                                 for k, f in fashion_mnist.FILES.items()})

    def offline(url, timeout=None):
        raise OSError("network is unreachable (test)")

    monkeypatch.setattr(locate.urllib.request, "urlopen", offline)
    return tmp_path


@pytest.fixture(scope="session")
def fashion_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fashion-data")
    make_fashion(folder, n_train=320, n_test=64)
    return folder


def cli_env(**extra) -> dict:
    env = dict(os.environ)
    env.pop("DUALNET_DATA", None)
    env.update(extra)
    return env


DUALNET = [sys.executable, "-m", "dualnet"]
