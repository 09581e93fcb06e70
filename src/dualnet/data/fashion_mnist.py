"""Fashion-MNIST: 60,000 training and 10,000 test images of 28x28 grey levels, 10 classes."""

from __future__ import annotations

from functools import partial

import numpy as np

from dualnet.data.errors import DataCorruptError
from dualnet.data.idx import parse_idx
from dualnet.data.locate import DatasetFile, fetch, find_local

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

_OFFICIAL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_SYSTEM = ("/usr/share/datasets/fashion-mnist",)


def _file(name: str, md5: str) -> DatasetFile:
    return DatasetFile("fashion-mnist", name, md5=md5, url=_OFFICIAL + name, system_dirs=_SYSTEM)


# md5 of the unpacked bytes: the .gz files differ between mirrors, their content does not.
FILES = {
    "train_images": _file("train-images-idx3-ubyte.gz", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
    "train_labels": _file("train-labels-idx1-ubyte.gz", "9018921c3c673c538a1fc5bad174d6f9"),
    "test_images": _file("t10k-images-idx3-ubyte.gz", "8181f5470baa50b63fa0f6fddb340f0a"),
    "test_labels": _file("t10k-labels-idx1-ubyte.gz", "15d484375f8d13e6eb1aabb0c3f46965"),
}

FIXES = [
    "as root: apt-get install dataset-fashion-mnist (puts the files in /usr/share/datasets/fashion-mnist/)",
    "with internet access, run again: the files are downloaded into Keras's cache",
]


def fashion_mnist_present(data_dir=None) -> bool:
    """True when every file is on disk somewhere we look (no download, no verification)."""
    return all(find_local(f, data_dir) is not None for f in FILES.values())


def load_fashion_mnist(data_dir=None, *, verify: bool = True, allow_download: bool = True):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, Keras's layout:
    (60000, 28, 28), (60000,), (10000, 28, 28), (10000,).

    verify=False skips the checksums (not the structure checks), for your own IDX files."""
    get = partial(fetch, data_dir=data_dir, fixes=FIXES, verify=verify, allow_download=allow_download)
    images = partial(parse_idx, ndim=3, item_shape=(28, 28))
    labels = partial(parse_idx, ndim=1)
    out = []
    for split in ("train", "test"):
        x = get(FILES[f"{split}_images"], parse=images)
        y = get(FILES[f"{split}_labels"], parse=labels)
        if len(x) != len(y):
            raise DataCorruptError(
                f"fashion-mnist {split}: {len(x):,} images but {len(y):,} labels "
                f"({FILES[f'{split}_images'].name} and {FILES[f'{split}_labels'].name} do not belong together)."
            )
        if y.size and y.max() >= len(CLASS_NAMES):
            raise DataCorruptError(f"fashion-mnist {split}: label {int(y.max())} found; labels must be 0-9.")
        out.append((np.array(x), np.array(y)))  # writable copies, as Keras returns
    return tuple(out)
