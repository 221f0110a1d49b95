"""The string data `adapt()` of the text layers accepts: one array or (nested) list of
strings, or batches of them from an iterable (a list of arrays, a generator, a lamina
dataset) or an indexable batch source (`__len__` + `__getitem__`, like PyDataset). A
batch that is an `(x, y)` or `(x, y, sample_weight)` tuple contributes its `x`."""

from lamina.layers.preprocessing.adapt_data import iter_batches
from lamina.layers.preprocessing.host_layer import as_text, is_text, to_host


def _is_one_array(data):
    if isinstance(data, str):
        return True
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        return True
    if isinstance(data, list) and data:
        first = data[0]
        while isinstance(first, list) and first:
            first = first[0]
        return isinstance(first, (str, bytes))
    return False


def _text_array(batch, label):
    if isinstance(batch, tuple):
        batch = batch[0]
    array = to_host(batch)
    if not array.size:
        return as_text(array.astype(str))
    if not is_text(array):
        raise TypeError(f"{label}.adapt() expects strings; got an array of dtype "
                        f"{array.dtype}.")
    return as_text(array)


def iter_text_batches(data, steps, label):
    """Yield NumPy unicode arrays from `data` (see module docstring)."""
    return iter_batches(data, steps, features=lambda b: _text_array(b, label),
                        is_one_array=_is_one_array, label=label)
