"""Small helpers shared by the `lamina.ops` families (not public)."""

import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops.dispatch import op


def dtype_or_none(dtype):
    """Canonical dtype name, keeping None as None (jnp then infers it)."""
    return None if dtype is None else standardize_dtype(dtype)


def axis_arg(axis):
    """jax.numpy wants a tuple, not a list, for several axes."""
    return tuple(axis) if isinstance(axis, list) else axis


def to_float(x):
    """`x` as an array; integer and bool inputs become floatx()."""
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(config.floatx())
    return x


def to_float_at_least32(x):
    """`x` as a float array of at least 32 bits (for statistics, lstsq, ...)."""
    x = to_float(x)
    if x.dtype in (jnp.float16, jnp.bfloat16):
        x = x.astype(jnp.float32)
    return x


def data_format(value):
    """Resolve a `data_format` argument (None means the global image_data_format)."""
    value = value or config.image_data_format()
    value = value.lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format must be 'channels_last' or 'channels_first'; got {value!r}.")
    return value


def tuple_of(value, n, name):
    """An int or a length-n sequence as a tuple of n ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a sequence of {n} ints; got {value}.")
    return value


def reject_sparse(sparse, name):
    if sparse:
        raise ValueError(f"`{name}(..., sparse=True)` is not supported by lamina: "
                         "its arrays are dense. Pass sparse=False.")


def make_op(name, fn, doc, module):
    """Build a named, documented `@op` function from `fn` (for table-driven wrappers)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = module
    return op(fn)
