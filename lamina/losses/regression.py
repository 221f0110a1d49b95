"""Regression losses: squared, absolute, percentage, log errors, Huber, log-cosh, cosine.

Every function takes `y_true`, `y_pred` of shape `(batch, d0, ..., dN)` and returns
per-sample values of shape `(batch, d0, ..., dN-1)` (the mean over the last axis).
"""

import jax
import jax.numpy as jnp

from lamina.backend import config
from lamina.losses.loss import LossFunctionWrapper
from lamina.losses.utils import normalize, prepare_pair


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2, axis=-1)."""
    y_true, y_pred = prepare_pair("mean_squared_error", y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = prepare_pair("mean_absolute_error", y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|, axis=-1)."""
    y_true, y_pred = prepare_pair("mean_absolute_percentage_error", y_true, y_pred)
    scale = jnp.maximum(jnp.abs(y_true), config.epsilon())
    return 100.0 * jnp.mean(jnp.abs((y_true - y_pred) / scale), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2, axis=-1)."""
    y_true, y_pred = prepare_pair("mean_squared_logarithmic_error", y_true, y_pred)
    eps = config.epsilon()
    diff = jnp.log(jnp.maximum(y_pred, eps) + 1.0) - jnp.log(jnp.maximum(y_true, eps) + 1.0)
    return jnp.mean(jnp.square(diff), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 means same direction."""
    y_true, y_pred = prepare_pair("cosine_similarity", y_true, y_pred)
    return -jnp.sum(normalize(y_true, axis) * normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """mean over the last axis of 0.5*e**2 where |e| <= delta, else delta*|e| - 0.5*delta**2."""
    y_true, y_pred = prepare_pair("huber", y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    quadratic = 0.5 * jnp.square(error)
    linear = delta * abs_error - 0.5 * jnp.square(delta)
    return jnp.mean(jnp.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1), computed without overflow."""
    y_true, y_pred = prepare_pair("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    return jnp.mean(x + jax.nn.softplus(-2.0 * x) - jnp.log(2.0).astype(x.dtype), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors. Default name "mean_squared_error"."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors. Default name "mean_absolute_error"."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error. Default name "mean_absolute_percentage_error"."""

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared log error. Default name "mean_squared_logarithmic_error"."""

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis` (default -1)."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for |error| <= delta (default 1.0), linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error. Default name "log_cosh"."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)
