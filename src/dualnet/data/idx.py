"""The IDX file format of (Fashion-)MNIST, parsed with errors that name what is wrong.

Header: two zero bytes, a type code (0x08 = unsigned byte), the number of
dimensions, then one big-endian uint32 per dimension; the data follows.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from dualnet.data.errors import DataCorruptError

UBYTE = 0x08


def parse_idx(path: Path, content: bytes, ndim: int, item_shape: tuple[int, ...] = ()) -> np.ndarray:
    """Parse an IDX file of unsigned bytes with `ndim` dimensions; the dimensions after the
    first (the item shape, e.g. 28x28) must equal `item_shape` when given."""
    expected_magic = (UBYTE << 8) | ndim
    header_size = 4 + 4 * ndim
    if len(content) < 4:
        raise DataCorruptError(f"{path}: only {len(content)} bytes; an IDX file starts with a 4-byte magic number. "
                               "The file is truncated: delete it and get it again.")
    (magic,) = struct.unpack(">I", content[:4])
    if magic != expected_magic:
        raise DataCorruptError(
            f"{path}: wrong magic number 0x{magic:08x}, expected 0x{expected_magic:08x} "
            f"(IDX, unsigned bytes, {ndim} dimension{'s' if ndim > 1 else ''}). "
            "This is not the file its name says: check you did not swap images and labels."
        )
    if len(content) < header_size:
        raise DataCorruptError(f"{path}: header truncated: {len(content)} bytes, expected at least {header_size}.")
    dims = struct.unpack(f">{ndim}I", content[4:header_size])
    if item_shape and tuple(dims[1:]) != tuple(item_shape):
        raise DataCorruptError(f"{path}: items are {'x'.join(map(str, dims[1:]))}, expected "
                               f"{'x'.join(map(str, item_shape))}.")
    expected_size = header_size + int(np.prod(dims))
    if len(content) != expected_size:
        what = "truncated" if len(content) < expected_size else "longer than its header says"
        raise DataCorruptError(
            f"{path}: {what}: the header announces {dims[0]:,} items of shape {tuple(dims[1:])}, "
            f"i.e. {expected_size:,} bytes, but the file has {len(content):,}. Delete it and get it again."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(dims)
