"""Read an .npz archive without running code from it.

Keras's imdb.npz keeps its reviews as object arrays (ragged lists of word indices), which NumPy stores
as pickles; `np.load(allow_pickle=True)` would run whatever a crafted file's pickle asks for. Here
plain arrays are read with pickles refused, and an object array's pickle is read by an unpickler that
knows only how to rebuild a NumPy array: any other reference (os.system, eval, ...) is an error, raised
before anything is called.
"""

from __future__ import annotations

import importlib
import io
import pickle
import zipfile

import numpy as np

from dualnet.data.errors import DataCorruptError

# The only things an object array's pickle needs (NumPy 1 and 2 spell the module differently).
_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype")}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}: only NumPy arrays may be rebuilt")
        if module == "numpy.core.multiarray":
            module = "numpy._core.multiarray" if hasattr(np, "_core") else module
        return getattr(importlib.import_module(module), name)


def _read_npy(path, key: str, content: bytes) -> np.ndarray:
    stream = io.BytesIO(content)
    version = np.lib.format.read_magic(stream)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(stream)
    if not dtype.hasobject:
        return np.load(io.BytesIO(content), allow_pickle=False)
    array = _ArrayOnlyUnpickler(stream).load()
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise DataCorruptError(f"{path}: '{key}' does not hold the array its header describes")
    for item in array.flat:  # Keras's format: each element a list of integers
        if not isinstance(item, list) or not all(isinstance(v, int) for v in item):
            raise DataCorruptError(f"{path}: '{key}' holds {type(item).__name__}, expected lists of integers")
    return array


def load_npz(path, content: bytes) -> dict[str, np.ndarray]:
    """{name: array} of an .npz archive's bytes; a damaged or crafted file is a DataCorruptError."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name[:-4]: _read_npy(path, name[:-4], archive.read(name))
                    for name in archive.namelist() if name.endswith(".npy")}
    except (zipfile.BadZipFile, ValueError, EOFError, pickle.UnpicklingError, AttributeError, TypeError, KeyError,
            IndexError) as exc:
        raise DataCorruptError(f"{path}: cannot be read as a NumPy .npz archive of plain arrays ({exc}). "
                               "Delete it and get it again.") from exc
