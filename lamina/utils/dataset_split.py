"""split_dataset: two unbatched data sources from arrays, tuples/dicts of arrays, lists or
another source's elements, as Keras's `split_dataset` splits them."""

import numpy as np

from lamina.utils.data_source import DataSource


def _elements(dataset):
    """(count, element i -> value) of what split_dataset accepts."""
    if isinstance(dataset, DataSource):
        items = [e for batch in dataset for e in _unstack(batch, dataset.batch_size)]
        return len(items), items.__getitem__
    if isinstance(dataset, (tuple, dict)):
        arrays = list(dataset.values()) if isinstance(dataset, dict) else list(dataset)
        arrays = [np.asarray(a) for a in arrays]
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(f"split_dataset: the arrays of `dataset` must have the same "
                             f"length; got {sorted(lengths)}.")
        if isinstance(dataset, dict):
            keys = list(dataset)
            return lengths.pop(), lambda i: {k: a[i] for k, a in zip(keys, arrays)}
        return lengths.pop(), lambda i: tuple(a[i] for a in arrays)
    if isinstance(dataset, (np.ndarray, list)):
        array = np.asarray(dataset)
        return len(array), array.__getitem__
    raise TypeError("split_dataset: `dataset` must be a NumPy array, a list, a tuple or dict "
                    f"of arrays, or a lamina DataSource; got {type(dataset).__name__}.")


def _unstack(batch, batch_size):
    if batch_size is None:
        return [batch]
    if isinstance(batch, tuple):
        return list(zip(*[list(b) for b in batch]))
    return list(batch)


def _size(value, total, name):
    if value is None:
        return None
    if isinstance(value, float):
        if not 0 < value < 1:
            raise ValueError(f"split_dataset: a float `{name}` must be in (0, 1); got {value}.")
        return round(value * total)
    if isinstance(value, (int, np.integer)) and value > 0:
        return int(value)
    raise TypeError(f"split_dataset: `{name}` must be a positive int, a float in (0, 1) or "
                    f"None; got {value!r}.")


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None,
                  preferred_backend=None):
    """(left, right): unbatched DataSources with `left_size` and `right_size` elements
    (ints, or fractions of the total; one may be None: the rest). `preferred_backend`
    chooses Keras's dataset type; lamina returns its DataSource for any value."""
    total, get = _elements(dataset)
    if left_size is None and right_size is None:
        left_size = 0.5
    left = _size(left_size, total, "left_size")
    right = _size(right_size, total, "right_size")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total or left <= 0 or right <= 0:
        raise ValueError(f"split_dataset: left_size={left_size} and right_size={right_size} "
                         f"do not split {total} samples into two non-empty parts.")
    order = np.arange(total)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(order)
    left_ids, right_ids = order[:left], order[left:left + right]
    return (DataSource(lambda i: get(int(left_ids[i])), left, None, workers=1),
            DataSource(lambda i: get(int(right_ids[i])), right, None, workers=1))
