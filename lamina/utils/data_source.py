"""DataSource: what lamina's dataset utilities return (image/text/timeseries/split).

A PyDataset (indexable by batch, so `fit` fetches batches ahead on worker threads) that
is also used the way tf.data / grain pipelines are: iterated for batches, `take(n)`,
`skip(n)`, `map(fn)`, `batch(n)` / `unbatch()`, `shuffle(...)`, `prefetch()`,
`as_numpy_iterator()`, `cardinality()`. Elements are loaded lazily by index (`load(i)` -> an element: an array or
a tuple of arrays), so files are read when their batch is needed.
"""

import numpy as np

from lamina.utils.py_dataset import PyDataset


def _stack(elements):
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_stack([e[k] for e in elements]) for k in range(len(first)))
    return np.stack([np.asarray(e) for e in elements])


def _apply(fn, value):
    # a tuple element is passed unpacked, as tf.data's map does
    return fn(*value) if isinstance(value, tuple) else fn(value)


class DataSource(PyDataset):
    """Batches (or single elements with batch_size=None) of `count` lazily loaded elements.

    load: `i -> element`, for i in range(count). batch_size: elements per batch (the last
    batch may be smaller), or None for unbatched elements. shuffle: a new order every
    pass (epoch), from `seed`. class_names / file_paths: what the loaders found.
    workers: threads that load batches ahead during `fit` (default 2). collate: makes a
    batch from a list of elements (default: stacks them; tuples field by field).
    """

    def __init__(self, load, count, batch_size=None, shuffle=False, seed=None,
                 class_names=None, file_paths=None, workers=2, max_queue_size=8,
                 collate=None):
        super().__init__(workers=workers, max_queue_size=max_queue_size)
        self._collate = collate or _stack  # a list of elements -> a batch
        self._load, self._count = load, int(count)
        self.batch_size = None if batch_size is None else int(batch_size)
        self._shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)
        self._order = self._new_order()
        self.class_names = class_names
        self.file_paths = file_paths
        self._maps = []
        self._range = None  # (first, stop) batch window from take/skip

    # -- order and batches -------------------------------------------------------------
    def _new_order(self):
        order = np.arange(self._count)
        if self._shuffle:
            self._rng.shuffle(order)
        return order

    def _num_batches(self):
        if self.batch_size is None:
            return self._count
        return -(-self._count // self.batch_size)

    def __len__(self):
        first, stop = self._window()
        return max(stop - first, 0)

    def _window(self):
        total = self._num_batches()
        if self._range is None:
            return 0, total
        first, stop = self._range
        return min(first, total), min(stop, total)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch {index} out of range for a DataSource of {len(self)} "
                             "batches.")
        index = self._window()[0] + (index % len(self))
        if self.batch_size is None:
            value = self._load(int(self._order[index]))
        else:
            ids = self._order[index * self.batch_size:(index + 1) * self.batch_size]
            value = self._collate([self._load(int(i)) for i in ids])
        for fn in self._maps:
            value = _apply(fn, value)
        return value

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
        self.on_epoch_end()

    def on_epoch_end(self):
        if self._shuffle:
            self._order = self._new_order()

    # -- tf.data / grain habits ------------------------------------------------------------
    def _copy(self):
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other._maps = list(self._maps)
        return other

    def map(self, fn):
        """A source whose batches (elements) are `fn(batch)` (a tuple passed unpacked)."""
        other = self._copy()
        other._maps.append(fn)
        return other

    def take(self, count):
        """The first `count` batches (all of them with count=-1)."""
        first, stop = self._window()
        other = self._copy()
        other._range = (first, stop if count < 0 else min(stop, first + int(count)))
        return other

    def skip(self, count):
        """All batches but the first `count`."""
        first, stop = self._window()
        other = self._copy()
        other._range = (min(first + int(count), stop), stop)
        return other

    def _unwindowed(self, what):
        if self._range is not None or self._maps:
            raise ValueError(f"DataSource.{what}() must come before take/skip/map.")

    def batch(self, batch_size):
        """The elements of an unbatched source in batches of `batch_size`."""
        self._unwindowed("batch")
        if self.batch_size is not None:
            raise ValueError("DataSource.batch(): the source is already batched (batch_size="
                             f"{self.batch_size}); call unbatch() first.")
        other = self._copy()
        other.batch_size = int(batch_size)
        return other

    def unbatch(self):
        """The same elements one at a time."""
        self._unwindowed("unbatch")
        other = self._copy()
        other.batch_size = None
        return other

    def shuffle(self, buffer_size=None, seed=None, reshuffle_each_iteration=True):
        """A source whose element order is a new permutation each pass (a full shuffle:
        `buffer_size` only bounds tf.data's memory, lamina's order is an index list)."""
        self._unwindowed("shuffle")
        other = self._copy()
        other._shuffle = True
        other._rng = np.random.default_rng(seed)
        other._order = other._new_order()
        other._shuffle = bool(reshuffle_each_iteration)
        return other

    def prefetch(self, buffer_size=None):
        """The source itself: `fit` already loads batches ahead on worker threads."""
        return self

    def cardinality(self):
        return len(self)

    def as_numpy_iterator(self):
        return iter(self)

    def __repr__(self):
        names = f", class_names={self.class_names}" if self.class_names else ""
        return (f"<DataSource: {len(self)} batches of {self.batch_size}{names}>"
                if self.batch_size else f"<DataSource: {len(self)} elements{names}>")
