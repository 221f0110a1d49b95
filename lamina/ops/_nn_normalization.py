"""Normalization ops: moments, batch, layer and RMS normalization, and normalize."""

import jax
import jax.numpy as jnp

from lamina.backend import config
from lamina.ops import _util
from lamina.ops._util import to_float, to_float_at_least32
from lamina.ops.dispatch import op


@op
def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of `x` over `axes`; float16 inputs are reduced in float32."""
    if synchronized:
        raise ValueError("moments(..., synchronized=True) is not supported by lamina; "
                         "on one process it equals synchronized=False.")
    x = jnp.asarray(x)
    out_dtype = x.dtype if jnp.issubdtype(x.dtype, jnp.inexact) else config.floatx()
    x = to_float_at_least32(x)
    axes = _util.axis_arg(axes)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - jax.lax.stop_gradient(mean)), axis=axes,
                        keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
    if out_dtype == jnp.float16:
        variance = jnp.minimum(variance, jnp.finfo(jnp.float16).max)
    return mean.astype(out_dtype), variance.astype(out_dtype)


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, where the 1-D statistics
    run along `axis` of `x`."""
    x = jnp.asarray(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def along_axis(v):
        v = jnp.asarray(v)
        return jnp.reshape(v, shape) if v.ndim == 1 else v

    inv = jax.lax.rsqrt(along_axis(variance) + epsilon)
    if scale is not None:
        inv = inv * along_axis(scale)
    shift = -along_axis(mean) * inv
    if offset is not None:
        shift = shift + along_axis(offset)
    return (x * inv + shift).astype(x.dtype)


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(norm(x, order), epsilon) along `axis` (epsilon defaults to
    `backend.epsilon()`)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize(): `order` must be an int >= 1; got {order!r}.")
    x = to_float(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=_util.axis_arg(axis), keepdims=True))
        return x * jnp.minimum(inv, 1.0 / epsilon)
    norm = jnp.linalg.vector_norm(x, ord=order, axis=_util.axis_arg(axis), keepdims=True)
    return x / jnp.maximum(norm, epsilon)


@op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x * rsqrt(mean(x**2) + epsilon) * scale along `axis` (computed in >= float32)."""
    x = jnp.asarray(x)
    dtype = x.dtype
    x = to_float_at_least32(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    if x.ndim == 0:
        x = x[None]
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=_util.axis_arg(axis), keepdims=True) + epsilon)
    if scale is not None:
        out = out * jnp.asarray(scale, x.dtype)
    return out.astype(dtype)


@op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta over `axis` (epsilon defaults to
    `backend.epsilon()`; computed in >= float32).

    The deprecated keyword `rms_scaling=True` gives Keras's legacy x / sqrt(var + epsilon)
    * gamma (no centring, no beta); `rms_normalization` is the real RMS norm.
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise ValueError(f"layer_normalization(): unexpected arguments {sorted(kwargs)}.")
    x = jnp.asarray(x)
    dtype = x.dtype
    x = to_float_at_least32(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    mean, variance = moments(x, axis, keepdims=True)
    out = (x if rms_scaling else x - mean) * jax.lax.rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * jnp.asarray(gamma, x.dtype)
    if beta is not None and not rms_scaling:
        out = out + jnp.asarray(beta, x.dtype)
    return out.astype(dtype)
