"""The data `adapt()` accepts: one array (NumPy, JAX, nested lists of numbers), or batches
from an iterable (a list of arrays, a generator) or an indexable batch source
(`__len__` + `__getitem__`, like `keras.utils.PyDataset`). A batch that is an
`(x, y)` or `(x, y, sample_weight)` tuple contributes its `x`."""

import numpy as np


def _features(batch):
    if isinstance(batch, tuple):
        batch = batch[0]
    if not hasattr(batch, "shape"):
        try:
            batch = np.asarray(batch)
        except (TypeError, ValueError) as error:
            raise TypeError(
                "adapt() expects arrays (or batches of arrays); got an element of type "
                f"{type(batch).__name__}.") from error
        if batch.dtype == object:
            raise TypeError("adapt() expects arrays of numbers; got ragged or mixed data.")
    return np.asarray(batch)


def _is_one_array(data):
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        return True
    if isinstance(data, (list, tuple)) and data:
        # numbers or nested lists of numbers; a list of arrays or (x, y) tuples is batches
        return not hasattr(data[0], "shape") and not isinstance(data[0], tuple)
    return False


def iter_batches(data, steps=None, features=_features, is_one_array=_is_one_array,
                 label=""):
    """Yield the NumPy arrays of `data`: one array, or each batch of a batch source.
    `features(batch)` turns one batch into an array; `is_one_array(data)` tells one array
    from a source of batches; `label` (a layer name) starts the error messages."""
    where = f"{label}.adapt()" if label else "adapt()"
    if data is None:
        raise ValueError(f"{where} needs data; got None.")
    if is_one_array(data):
        yield features(data)
        return
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and not isinstance(
            data, (list, tuple, dict, str)):
        source = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__") and not isinstance(data, (dict, str)):
        source = iter(data)
    else:
        raise TypeError(f"{where} does not accept data of type {type(data).__name__}: pass "
                        "an array or an iterable of batches.")
    empty = True
    for i, batch in enumerate(source):
        if steps is not None and i >= steps:
            break
        empty = False
        yield features(batch)
    if empty:
        raise ValueError(f"{where} received no batches: pass a non-empty array or iterable.")
