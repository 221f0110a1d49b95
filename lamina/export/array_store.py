"""Arrays to and from a `.npz` file without pickle, for every JAX dtype.

NumPy's own format knows float32, int8, ...; JAX's extra dtypes (bfloat16, float8, int4)
are stored as unsigned integers of the same width, and their names kept beside them.
Only NumPy and ml_dtypes are needed to read them back (no lamina model code).
"""

import ml_dtypes  # noqa: F401  (registers bfloat16, float8_*, int4 with NumPy)
import numpy as np

_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def _is_numpy_native(dtype):
    return dtype.kind in "biufc" and type(dtype).__module__ == "numpy"


def encode(array):
    """(array NumPy can store, dtype name)."""
    array = np.asarray(array)
    name = str(array.dtype)
    if _is_numpy_native(array.dtype) and name in np.sctypeDict:
        return array, name
    if array.dtype.itemsize not in _UNSIGNED:
        raise TypeError(f"Cannot store an array of dtype {name}.")
    return array.view(_UNSIGNED[array.dtype.itemsize]), name


def decode(array, dtype_name):
    if str(array.dtype) == dtype_name:
        return array
    return array.view(np.dtype(getattr(ml_dtypes, dtype_name, dtype_name)))


def save(path_or_file, arrays):
    """Write a list of arrays; returns their dtype names (to pass back to `load`)."""
    encoded = [encode(a) for a in arrays]
    np.savez(path_or_file, **{f"a{i}": a for i, (a, _) in enumerate(encoded)})
    return [name for _, name in encoded]


def load(path_or_file, dtype_names):
    with np.load(path_or_file, allow_pickle=False) as data:
        return [decode(data[f"a{i}"], name) for i, name in enumerate(dtype_names)]
