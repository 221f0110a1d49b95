"""Groups of host batches stacked into one device array per input, for one compiled call.

Runs on the prefetch thread (see BatchPrefetcher). Each group is copied once, straight
into a 64-byte-aligned NumPy buffer of shape (group, batch, ...): on the CPU backend
`device_put` then hands that buffer to XLA without another copy, and the device array
never shares memory with the user's arrays (a generator may refill one buffer).
A group shorter than `group` is padded with copies of its first batch (the padding is
never run), so one compiled loop serves every group of an epoch.
"""

import jax
import numpy as np

from lamina.core import tree
from lamina.distribution import placement

_ALIGN = 64


def aligned_empty(shape, dtype):
    """An uninitialized C-contiguous array whose data starts on a 64-byte boundary.

    From malloc, which reuses the memory of freed groups: a fresh anonymous memory map
    per group measured 6.4 ms (page faults) against 0.3 ms to fill 16 MNIST batches."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + _ALIGN, np.uint8)
    start = (-raw.ctypes.data) % _ALIGN
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def signature(batch):
    """What a compiled step is specialized on: structure, shapes and dtypes."""
    leaves, treedef = jax.tree_util.tree_flatten(batch)
    return treedef, tuple((np.shape(a), np.result_type(a)) for a in leaves)


def same_shape_groups(batches, group):
    """Lists of up to `group` consecutive batches that share one signature. When reading
    a batch raises, the batches read before it come first as a (short) group, so they
    are trained on as in a step-by-step loop, then the error goes on."""
    pending = []
    iterator = iter(batches)
    while True:
        try:
            batch = next(iterator)
        except StopIteration:
            break
        except BaseException:
            if pending:
                yield pending
            raise
        if pending and (len(pending) == group or signature(batch) != signature(pending[0])):
            yield pending
            pending = []
        pending.append(batch)
    if pending:
        yield pending


def stack_to_device(batches, group):
    """`batches` (same signature) -> the device pytree of arrays (group, batch, ...)."""

    def stack(*leaves):
        first = leaves[0]
        if first is None:
            return None
        out = aligned_empty((group,) + np.shape(first), np.result_type(first))
        for i in range(group):
            out[i] = leaves[i if i < len(leaves) else 0]
        return jax.device_put(out)

    return jax.tree_util.tree_map(stack, *batches, is_leaf=lambda a: a is None)


def gather_to_device(structure, rows, group, batch_size):
    """Rows `rows` (a whole number of batches, at most `group`) of every array in
    `structure`, as device arrays (group, batch_size, ...)."""
    rows = np.asarray(rows)
    if len(rows) < group * batch_size:
        rows = np.concatenate([rows, np.resize(rows[:batch_size], group * batch_size - len(rows))])

    def gather(a):
        if a is None:
            return None
        a = np.asarray(a)
        out = aligned_empty((group, batch_size) + a.shape[1:], a.dtype)
        np.take(a, rows, axis=0, out=out.reshape((group * batch_size,) + a.shape[1:]))
        return jax.device_put(out)

    return tree.map_structure(gather, structure)


def single_to_device(batch):
    """One host batch as device arrays that share no memory with it."""
    batch = placement.global_batch(batch)

    def put(a):
        if a is None or isinstance(a, jax.Array) or not hasattr(a, "shape"):
            return a
        out = aligned_empty(a.shape, a.dtype)
        out[...] = a
        return jax.device_put(out)

    return jax.tree_util.tree_map(put, batch, is_leaf=lambda a: a is None)
