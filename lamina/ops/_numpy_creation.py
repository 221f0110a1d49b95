"""NumPy array creation: filled arrays, ranges, identity/triangular matrices and windows."""

import jax.numpy as jnp

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops import _util
from lamina.ops._util import dtype_or_none
from lamina.ops.core import convert_to_tensor
from lamina.ops.dispatch import op


@op
def zeros(shape, dtype=None):
    """An array of zeros; dtype defaults to floatx()."""
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@op
def ones(shape, dtype=None):
    """An array of ones; dtype defaults to floatx()."""
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


@op
def empty(shape, dtype=None):
    """An array of the given shape (filled with zeros); dtype defaults to floatx()."""
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@op
def full(shape, fill_value, dtype=None):
    """An array filled with `fill_value`; dtype defaults to floatx()."""
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape of `x` (and its dtype unless given)."""
    return jnp.zeros_like(x, dtype=dtype_or_none(dtype))


@op
def ones_like(x, dtype=None):
    """Ones with the shape of `x` (and its dtype unless given)."""
    return jnp.ones_like(x, dtype=dtype_or_none(dtype))


@op
def empty_like(x, dtype=None):
    """An array shaped like `x` (filled with zeros)."""
    return jnp.zeros_like(x, dtype=dtype_or_none(dtype))


@op
def full_like(x, fill_value, dtype=None):
    """`fill_value` with the shape of `x` (and its dtype unless given)."""
    return jnp.full_like(x, fill_value, dtype=dtype_or_none(dtype))


def _scalar_dtype(*values):
    """The dtype Keras infers from Python numbers or arrays: int32 or floatx()."""
    kinds = []
    for v in values:
        if v is None:
            continue
        if hasattr(v, "dtype"):
            kinds.append(jnp.dtype(v.dtype))
        elif isinstance(v, float):
            kinds.append(jnp.dtype(config.floatx()))
        elif isinstance(v, bool):
            kinds.append(jnp.dtype("bool"))
        else:
            kinds.append(jnp.dtype("int32"))
    return jnp.result_type(*kinds)


@op
def arange(start, stop=None, step=None, dtype=None):
    """`[start, stop)` in steps of `step` (default 1); `arange(n)` is `0..n-1`.

    The dtype is int32 for integer arguments and floatx() when any is a float.
    """
    if dtype is None:
        dtype = _scalar_dtype(start, stop, step)
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


@op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (floatx() by default)."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype,
                        axis=axis)


@op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`base ** linspace(start, stop, num)`."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values evenly spaced on a log scale from `start` to `stop`."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.geomspace(start, stop, num, endpoint=endpoint, dtype=dtype, axis=axis)


def _float_result(*values):
    dtype = _scalar_dtype(*values)
    return dtype if jnp.issubdtype(dtype, jnp.inexact) else jnp.dtype(config.floatx())


@op
def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the `k`-th diagonal; `N x M` (M defaults to N), floatx()."""
    return jnp.eye(N, M, k, dtype=standardize_dtype(dtype))


@op
def identity(n, dtype=None):
    """The `n x n` identity matrix (floatx() by default)."""
    return jnp.identity(n, dtype=standardize_dtype(dtype))


@op
def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the `k`-th diagonal of an `N x M` array (floatx() by default)."""
    return jnp.tri(N, M, k, dtype=standardize_dtype(dtype))


@op
def array(x, dtype=None):
    """An array from `x`; Python floats give floatx(), Python ints int32."""
    return convert_to_tensor(x, dtype)


@op
def copy(x):
    """A copy of `x`."""
    return jnp.array(x, copy=True)


@op
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from 1-D vectors; `indexing` is 'xy' (Cartesian) or 'ij'."""
    return jnp.meshgrid(*x, indexing=indexing)


def _window(name, jfn):
    def fn(x):
        return jfn(int(x)).astype(config.floatx())

    return _util.make_op(name, fn, f"The {name.capitalize()} window of length `x` (floatx()).",
                         __name__)


bartlett = _window("bartlett", jnp.bartlett)
blackman = _window("blackman", jnp.blackman)
hamming = _window("hamming", jnp.hamming)
hanning = _window("hanning", jnp.hanning)


@op
def kaiser(x, beta):
    """The Kaiser window of length `x` with shape parameter `beta`."""
    return jnp.kaiser(int(x), beta).astype(config.floatx())
