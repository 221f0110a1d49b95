"""Turn what users pass to fit/evaluate/predict into batches.

Three kinds of source:
- arrays (NumPy/JAX arrays, lists and dicts of them): `ArrayData`, batched and shuffled
  here; the training loop keeps them on the device and gathers batches there.
- indexable batch sources (`__len__` + `__getitem__`, like keras.utils.PyDataset):
  `IndexableData`, one batch per index.
- Python generators and other iterables of batches: `IterableData`.
A batch is `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.
"""

import collections
import concurrent.futures
import math
import warnings

import jax
import numpy as np

from lamina.backend import floatx
from lamina.core import tree
from lamina.training.argument_checks import check_loop_arguments
from lamina.training.loop_caps import capped_steps
from lamina.distribution import placement
from lamina.distribution.distributions import distribution
from lamina.training.aliased_rows import to_device_rows


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sw)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of "
        f"{len(data)} elements.")


def _is_array(x):
    return isinstance(x, (np.ndarray, jax.Array)) or (
        hasattr(x, "shape") and hasattr(x, "dtype") and hasattr(x, "__array__"))


def to_array(x, name="x"):
    """A NumPy/JAX array from array-likes; float64 becomes floatx (float32)."""
    if x is None:
        return None
    if hasattr(x, "to_numpy") and not _is_array(x):  # pandas
        x = x.to_numpy()
    if isinstance(x, jax.Array):
        return x
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if x.dtype == np.float64:
        x = x.astype(floatx())
    elif x.dtype == object:
        raise ValueError(f"`{name}` contains Python objects (dtype=object); pass numeric arrays.")
    return x


def standardize_arrays(x, name):
    """Convert each leaf of a nested list/tuple/dict to an array (a list of scalars is one array)."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: standardize_arrays(v, f"{name}[{k!r}]") for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and all(
            _is_array(i) or isinstance(i, (dict, list, tuple)) and _looks_nested(i) for i in x):
        return [standardize_arrays(v, f"{name}[{i}]") for i, v in enumerate(x)]
    return to_array(x, name)


def _looks_nested(x):
    if isinstance(x, dict):
        return True
    return bool(x) and all(_is_array(i) for i in x)


def is_array_data(x):
    leaves = tree.flatten(x)
    return bool(leaves) and all(_is_array(v) or isinstance(v, (list, float, int)) for v in leaves) \
        and not hasattr(x, "__next__")


def class_weight_to_sample_weight(y, class_weight):
    """Per-sample weights from {class_index: weight}; y holds labels or one-hot rows."""
    if not isinstance(class_weight, dict):
        raise ValueError("class_weight must be a dict mapping class indices to weights, e.g. "
                         f"{{0: 1.0, 1: 5.0}}; got {type(class_weight).__name__}.")
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.rint(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64) if y.ndim > 1 else \
            np.rint(y).astype(np.int64)
    missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
    if missing:
        raise ValueError(f"class_weight has no entry for class(es) {missing}; it has "
                         f"{sorted(class_weight)}.")
    lookup = np.vectorize(lambda c: float(class_weight[c]), otypes=[np.float32])
    return lookup(labels)


class EpochCursor:
    """Which batches of a finite source the next epoch runs.

    Without `steps` (steps_per_epoch) every epoch is one pass in a new order. With it,
    as in Keras, epochs continue one pass (e.g. 7 batches, steps 4: batches 0-3, then
    4-6, then a new pass); the epoch in which the pass runs out ends early.
    """

    _steps_arg = None
    _cursor = 0
    _order = None

    def restart(self):
        """The next epoch starts a new pass (evaluate() always does, as in Keras)."""
        self._cursor = 0

    def next_epoch(self, rng, total):
        """(order, first batch, number of batches) for the next epoch."""
        if self._steps_arg is None or self._cursor == 0:
            self._order, self._cursor = self.order(rng), 0
        first = self._cursor
        count = total - first if self._steps_arg is None else min(self._steps_arg, total - first)
        if self._steps_arg is not None and count < self._steps_arg:
            warnings.warn(f"Your input ran out of data: this epoch ran {count} of "
                          f"steps_per_epoch={self._steps_arg} batches; the next epoch starts a "
                          "new pass over the data.", stacklevel=4)
        self._cursor = 0 if first + count >= total else first + count
        return self._order, first, count


class ArrayData(EpochCursor):
    """In-memory arrays split into `steps` batches of `batch_size` (the last may be smaller)."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=None, shuffle=False,
                 class_weight=None, steps=None, what="fit"):
        x = standardize_arrays(x, "x")
        y = standardize_arrays(y, "y")
        sample_weight = standardize_arrays(sample_weight, "sample_weight")
        sizes = {}
        for name, struct in (("x", x), ("y", y), ("sample_weight", sample_weight)):
            for leaf in tree.flatten(struct):
                if leaf is not None:
                    if not hasattr(leaf, "shape") or leaf.ndim == 0:
                        raise ValueError(f"`{name}` must hold arrays with a batch dimension; got a "
                                         f"scalar {leaf!r}.")
                    sizes.setdefault(name, set()).add(int(leaf.shape[0]))
        all_sizes = set().union(*sizes.values()) if sizes else set()
        if len(all_sizes) > 1:
            detail = "\n".join(f"'{k}' sizes: {', '.join(map(str, sorted(v)))}" for k, v in sizes.items())
            raise ValueError(
                "Data cardinality is ambiguous: x, y and sample_weight must all contain the same "
                f"number of samples.\n{detail}")
        self.num_samples = all_sizes.pop() if all_sizes else 0
        if self.num_samples == 0:
            raise ValueError(f"{what}() received an empty dataset (0 samples). Pass at least one sample.")
        self._user_sample_weight = sample_weight
        self.class_weight = class_weight
        if class_weight is not None:
            if y is None or isinstance(y, (list, dict)):
                raise ValueError("class_weight is only supported for models with a single output "
                                 "and requires `y`.")
            cw = class_weight_to_sample_weight(np.asarray(y), class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = int(batch_size or 32)
        if self.batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size}.")
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)
        self.steps = self.num_batches
        if steps is not None:
            self._steps_arg = int(steps)
            self.steps = min(int(steps), self.steps)
        self._device = None

    @property
    def structure(self):
        return (self.x, self.y, self.sample_weight)

    @property
    def nbytes(self):
        return sum(int(getattr(a, "nbytes", 0)) for a in tree.flatten(self.structure)
                   if a is not None)

    def device_arrays(self, rows=None):
        """(x, y, sample_weight) as device arrays, transferred once; with `rows`, padded
        with zero rows up to that many (rows a batch permutation never picks), so inputs of
        nearby lengths share one compiled loop."""
        if self._device is None or self._device[0] != rows:
            def put(a):
                if a is None:
                    return None
                if rows is not None and rows > a.shape[0]:
                    a = np.concatenate([np.asarray(a), np.zeros(
                        (rows - a.shape[0],) + tuple(a.shape[1:]), np.asarray(a).dtype)])
                if rows is None and distribution() is None:
                    return to_device_rows(a)  # no second copy on the CPU backend
                return placement.replicated(jax.device_put(a))
            self._device = (rows, tree.map_structure(put, self.structure))
        return self._device[1]

    def epoch_plan(self, rng):
        """(sample order, first batch, batches) of the next epoch (see EpochCursor)."""
        return self.next_epoch(rng, self.num_batches)

    def order(self, rng):
        return self.permutation(rng)

    def permutation(self, rng):
        """Sample order for one pass (int32): shuffled when `shuffle` is True or "batch"."""
        n = self.num_samples
        if not self.shuffle:
            return np.arange(n, dtype=np.int32)
        if self.shuffle == "batch":
            starts = rng.permutation(math.ceil(n / self.batch_size))
            return np.concatenate([np.arange(s * self.batch_size, min((s + 1) * self.batch_size, n))
                                   for s in starts]).astype(np.int32)
        return rng.permutation(n).astype(np.int32)

    def host_batch(self, indices):
        return tree.map_structure(lambda a: None if a is None else a[indices], self.structure)

    def split(self, validation_split):
        """(train, validation) ArrayData from the last `validation_split` of the samples;
        class_weight weighs the training part only, as in Keras."""
        if not 0 < validation_split < 1:
            raise ValueError(f"validation_split must be in (0, 1), got {validation_split}.")
        cut = int(math.floor(self.num_samples * (1.0 - validation_split)))
        if cut == 0 or cut == self.num_samples:
            raise ValueError(
                f"validation_split={validation_split} leaves no samples for "
                f"{'training' if cut == 0 else 'validation'} out of {self.num_samples}.")
        parts = (self.x, self.y, self._user_sample_weight)
        head = tree.map_structure(lambda a: None if a is None else a[:cut], parts)
        tail = tree.map_structure(lambda a: None if a is None else a[cut:], parts)
        train = ArrayData(*head, batch_size=self.batch_size, shuffle=self.shuffle,
                          class_weight=self.class_weight, steps=self._steps_arg)
        val = ArrayData(*tail, batch_size=self.batch_size, shuffle=False)
        return train, val


class IndexableData(EpochCursor):
    """A batch source with `__len__` and `__getitem__(i)` returning a batch (like PyDataset)."""

    def __init__(self, source, steps=None, shuffle=False):
        self.source = source
        n = len(source)
        if n == 0:
            raise ValueError(f"The batch source {type(source).__name__} is empty (len 0).")
        self.steps = n if steps is None else min(int(steps), n)
        self._steps_arg = None if steps is None else int(steps)
        self.shuffle = shuffle

    def order(self, rng):
        n = len(self.source)
        return rng.permutation(n) if self.shuffle else np.arange(n)

    def batches(self, rng):
        hook = getattr(self.source, "on_epoch_begin", None)
        if callable(hook):
            hook()
        order, first, count = self.next_epoch(rng, len(self.source))
        order = order[first:first + count]
        workers = int(getattr(self.source, "workers", 1) or 1)
        if workers <= 1:
            for i in order:
                yield unpack_x_y_sample_weight(self.source[int(i)])
            return
        # Fetch ahead with threads (I/O-bound __getitem__), keeping the batch order.
        ahead = max(int(getattr(self.source, "max_queue_size", 10) or 1), workers)
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            pending = collections.deque()
            for i in order:
                pending.append(pool.submit(self.source.__getitem__, int(i)))
                if len(pending) >= ahead:
                    yield unpack_x_y_sample_weight(pending.popleft().result())
            while pending:
                yield unpack_x_y_sample_weight(pending.popleft().result())

    def on_epoch_end(self):
        hook = getattr(self.source, "on_epoch_end", None)
        if callable(hook):
            hook()


class IterableData:
    """A generator or iterable of batches. Without `steps`, an epoch lasts until it is exhausted.

    `replay`: a one-shot generator read to its end is read once and its batches kept, so
    each later pass (validation after every epoch) sees them again instead of nothing.
    """

    def __init__(self, source, steps=None, replay=False):
        self.source = source
        self.steps = None if steps is None else int(steps)
        self._iterator = None
        self._replay = replay and self.steps is None and hasattr(source, "__next__")
        self._kept = None

    def batches(self, rng):
        if self._kept is not None:
            yield from self._kept
            return
        # A re-iterable (e.g. a list of batches) restarts each epoch; a generator continues.
        if self._iterator is None or not hasattr(self.source, "__next__"):
            self._iterator = iter(self.source)
        count, seen = 0, []
        while self.steps is None or count < self.steps:
            try:
                batch = unpack_x_y_sample_weight(next(self._iterator))
            except StopIteration:
                self._iterator = None
                if self._replay:
                    self._kept = seen
                return
            count += 1
            if self._replay:
                seen.append(batch)
            yield batch

    def on_epoch_end(self):
        pass


def make_data(x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False,
              class_weight=None, what="fit"):
    """The right adapter for `x` (see module docstring). A generator given for
    validation is replayed after its first pass (see IterableData)."""
    if x is None:
        raise ValueError(f"{what}() needs input data `x`.")
    check_loop_arguments(f"{what}()", batch_size, shuffle, steps)
    steps = capped_steps(steps)
    if hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(
            x, (np.ndarray, list, tuple, dict, jax.Array)) and not _is_array(x) and \
            not hasattr(x, "to_numpy"):
        _no_y(y, sample_weight, "a batch source like PyDataset")
        return IndexableData(x, steps=steps, shuffle=shuffle)
    if isinstance(x, list) and y is None and x and all(
            isinstance(b, tuple) and 1 <= len(b) <= 3 for b in x):
        return IterableData(x, steps=steps)  # a list of (x, y[, sample_weight]) batches
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not isinstance(
            x, (np.ndarray, list, tuple, dict, jax.Array)) and not _is_array(x)
            and not hasattr(x, "to_numpy")):
        _no_y(y, sample_weight, "a generator or iterable")
        return IterableData(x, steps=steps, replay=what == "validation")
    return ArrayData(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle,
                     class_weight=class_weight, steps=steps, what=what)


def _no_y(y, sample_weight, kind):
    if y is not None or sample_weight is not None:
        raise ValueError(
            f"When `x` is {kind}, it yields the targets itself: do not also pass `y` or "
            "`sample_weight`.")
