"""Read the pickled arrays of Keras's dataset files without running code from them.

imdb.npz / reuters.npz hold ragged sequences as object arrays (pickle streams inside the
.npy entries) and the CIFAR batches are pickled dicts of arrays. A pickle can call any
importable function, so these are read with an unpickler that only rebuilds NumPy arrays
and dtypes (and plain lists, dicts, bytes, numbers, which need no lookup).
"""

import io
import pickle
import zipfile

import numpy as np

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),  # how protocol-2 pickles written by Python 3 spell bytes
}


class UnsafePickleError(ValueError):
    """A pickle in a dataset file asks for something other than NumPy arrays."""


class ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise UnsafePickleError(f"The dataset file's pickle asks for {module}.{name}; only "
                                "NumPy arrays are allowed.")


def load_pickle(data, encoding="ASCII"):
    """Unpickle `data` (bytes or a binary file) allowing only NumPy arrays."""
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    return ArrayUnpickler(stream, encoding=encoding).load()


def _read_npy(raw):
    stream = io.BytesIO(raw)
    version = np.lib.format.read_magic(stream)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
        np.lib.format.read_array_header_2_0
    _, _, dtype = read_header(stream)
    if dtype.hasobject:
        return load_pickle(stream.read(), encoding="latin1")
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)


def read_npz_with_objects(path):
    """All arrays of an `.npz` file, object arrays (ragged sequences) included."""
    with zipfile.ZipFile(path) as zf:
        return {name[:-4]: _read_npy(zf.read(name)) for name in zf.namelist()
                if name.endswith(".npy")}
