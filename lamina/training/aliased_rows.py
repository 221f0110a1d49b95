"""In-memory training data on the CPU backend without a second copy.

On the CPU backend "device" memory is host memory, and `jax.device_put` of a NumPy array
makes no copy when the array starts on a 64-byte boundary (XLA's alignment): the device
array then reads the user's memory. NumPy rarely allocates that way (a large array
usually starts 16 bytes past one), so a plain transfer doubles the data's footprint for
the whole fit. `ShiftedRows` views the user's rows from the first aligned element on (the
view's row j is the end of row j and the start of row j + 1) and rebuilds any row from
two neighbouring view rows inside the compiled loop; the first and last rows, which the
view cannot cover, are small copies.
"""

import jax
import jax.numpy as jnp
import numpy as np

# XLA:CPU's buffer alignment: device_put aliases host memory aligned to it.
ALIGNMENT = 64
# Smaller arrays are simply copied: the copy costs less than the two-part gather saves.
MIN_ALIAS_BYTES = 1 << 20


@jax.tree_util.register_pytree_node_class
class ShiftedRows:
    """Rows of an (n, ...) array held as an aligned view shifted by `shift` elements.

    body: (n - 1, L) view starting `shift` elements into the flattened array (L = the
    elements of one row); first / last: rows 0 and n - 1, (L,); row_shape: one row's
    shape. `take(idx)` -> (len(idx),) + row_shape.
    """

    def __init__(self, body, first, last, shift, row_shape):
        self.body, self.first, self.last = body, first, last
        self.shift, self.row_shape = shift, tuple(row_shape)

    @property
    def shape(self):
        return (self.body.shape[0] + 1,) + self.row_shape

    @property
    def dtype(self):
        return self.body.dtype

    def take(self, idx):
        n = self.body.shape[0] + 1
        length, s = self.body.shape[1], self.shift
        head = self.body.at[jnp.clip(idx - 1, 0, n - 2), length - s:].get(mode="clip")
        tail = self.body.at[jnp.clip(idx, 0, n - 2), :length - s].get(mode="clip")
        rows = jnp.concatenate([head, tail], axis=1)
        rows = jnp.where((idx == 0)[:, None], self.first, rows)
        rows = jnp.where((idx == n - 1)[:, None], self.last, rows)
        return rows.reshape((idx.shape[0],) + self.row_shape)

    def tree_flatten(self):
        return (self.body, self.first, self.last), (self.shift, self.row_shape)

    @classmethod
    def tree_unflatten(cls, aux, children):
        return cls(*children, *aux)


def take_rows(a, idx):
    """Rows `idx` of a device array or a ShiftedRows (indices valid by construction)."""
    if isinstance(a, ShiftedRows):
        return a.take(idx)
    return a.at[idx].get(mode="promise_in_bounds", unique_indices=True)


def _aligned_shift(a):
    """Elements from `a`'s start to its first 64-byte boundary, or None when `a` cannot
    be viewed that way."""
    if not (isinstance(a, np.ndarray) and a.flags.c_contiguous and a.ndim >= 1
            and a.shape[0] >= 2 and a.nbytes >= MIN_ALIAS_BYTES):
        return None
    # A dtype JAX would convert (float64 without x64) is copied by device_put anyway.
    if jax.dtypes.canonicalize_dtype(a.dtype) != a.dtype:
        return None
    offset = (-a.ctypes.data) % ALIGNMENT
    if offset % a.itemsize:
        return None
    shift = offset // a.itemsize
    row = a.size // a.shape[0]
    return shift if shift < row else None


def to_device_rows(a):
    """`a` on the default device; on the CPU backend sharing `a`'s memory where it can
    (a plain array when `a` is aligned, a ShiftedRows when it is not)."""
    if jax.default_backend() != "cpu":
        return jax.device_put(a)
    shift = _aligned_shift(a)
    if not shift:  # aligned (aliased as is), or not viewable
        return jax.device_put(a)
    n, row = a.shape[0], a.size // a.shape[0]
    flat = a.reshape(-1)
    body = flat[shift:shift + (n - 1) * row].reshape(n - 1, row)
    return ShiftedRows(jax.device_put(body), jax.device_put(flat[:row].copy()),
                       jax.device_put(flat[-row:].copy()), shift, a.shape[1:])
