"""Small array helpers shared by losses and metrics: rank alignment, shape checks,
safe division, and the float conversion every loss applies to its inputs."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype


def to_float(x, dtype=None):
    """`x` as a jax array; integer/bool inputs become `dtype` (floatx when None).

    Float inputs keep their dtype unless `dtype` is given."""
    x = jnp.asarray(x)
    if dtype is not None:
        return x.astype(standardize_dtype(dtype))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return x.astype(standardize_dtype(None))
    return x


def align_ranks(a, b, expand_rank_1=True):
    """Make ranks of `a` and `b` agree when they differ by one trailing size-1 axis.

    The longer array loses its trailing 1-axis, except that a rank-1 shorter array
    gains one instead when `expand_rank_1` (so `(N,)` vs `(N, 1)` gives two `(N, 1)`).
    Other shapes are returned unchanged."""
    ra, rb = a.ndim, b.ndim
    if ra == rb + 1 and a.shape[-1] == 1:
        if rb == 1 and expand_rank_1:
            b = b[..., None]
        else:
            a = jnp.squeeze(a, -1)
    elif rb == ra + 1 and b.shape[-1] == 1:
        if ra == 1 and expand_rank_1:
            a = a[..., None]
        else:
            b = jnp.squeeze(b, -1)
    return a, b


def broadcast_shape(what, shape_a, shape_b, label_a="y_true", label_b="y_pred", hint=""):
    """The broadcast of two static shapes, or a ValueError naming `what` and both shapes."""
    try:
        return np.broadcast_shapes(tuple(shape_a), tuple(shape_b))
    except ValueError:
        raise ValueError(
            f"{what}: {label_a} shape {tuple(shape_a)} is incompatible with "
            f"{label_b} shape {tuple(shape_b)}.{hint}") from None


def prepare_pair(what, y_true, y_pred):
    """(y_true, y_pred) as arrays of y_pred's float dtype with aligned ranks; raises a
    ValueError naming `what` when their shapes do not broadcast."""
    y_pred = to_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    y_true, y_pred = align_ranks(y_true, y_pred)
    broadcast_shape(what, y_true.shape, y_pred.shape)
    return y_true, y_pred


def divide_no_nan(x, y):
    """x / y, with 0 wherever y == 0 (and a gradient that stays finite there)."""
    x = jnp.asarray(x)
    y = jnp.asarray(y, dtype=x.dtype) if jnp.issubdtype(x.dtype, jnp.floating) else jnp.asarray(y)
    zero = y == 0
    return jnp.where(zero, jnp.zeros((), x.dtype), x / jnp.where(zero, jnp.ones((), y.dtype), y))


def is_concrete(x):
    """True for NumPy data and committed jax arrays, False inside a trace."""
    return not isinstance(x, jax.core.Tracer)


def normalize(x, axis=-1, epsilon=None):
    """L2-normalize `x` along `axis`: x / max(||x||, epsilon); epsilon defaults to
    `backend.epsilon()`."""
    epsilon = config.epsilon() if epsilon is None else epsilon
    square_sum = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x * jnp.minimum(jax.lax.rsqrt(square_sum), 1.0 / epsilon)
