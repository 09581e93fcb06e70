"""Datasets of the course: found locally, verified, or downloaded with checksums."""

from dualnet.data.errors import DataCorruptError, DataError, DataNotFoundError
from dualnet.data.fashion_mnist import CLASS_NAMES, fashion_mnist_present, load_fashion_mnist
from dualnet.data.presence import presence

__all__ = [
    "CLASS_NAMES",
    "DataCorruptError",
    "DataError",
    "DataNotFoundError",
    "fashion_mnist_present",
    "load_fashion_mnist",
    "presence",
]
