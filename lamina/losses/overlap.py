"""Overlap losses for segmentation: Dice and Tversky.

`axis` (None: all axes, giving one value for the batch; e.g. (1, 2, 3): one per sample)
names the axes summed over.
"""

import jax.numpy as jnp

from lamina.backend import config
from lamina.losses.loss import LossFunctionWrapper
from lamina.losses.utils import to_float


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)."""
    y_pred = to_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    axis = _axis(axis)
    intersection = jnp.sum(y_true * y_pred, axis=axis)
    total = jnp.sum(y_true, axis=axis) + jnp.sum(y_pred, axis=axis) + config.epsilon()
    return 1 - 2.0 * intersection / total


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha * sum((1 - y_pred) * y_true) + beta * sum(y_pred * (1 - y_true))
    + epsilon), Keras's weighting of the two error terms; alpha = beta = 0.5 is Dice."""
    y_pred = to_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    axis = _axis(axis)
    intersection = jnp.sum(y_true * y_pred, axis=axis)
    missed = jnp.sum((1 - y_pred) * y_true, axis=axis)
    extra = jnp.sum(y_pred * (1 - y_true), axis=axis)
    return 1 - intersection / (intersection + alpha * missed + beta * extra + config.epsilon())


class Dice(LossFunctionWrapper):
    """Dice loss over `axis` (see module docstring). Default name "dice"."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with weights `alpha`, `beta` on the two error terms."""

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha,
                         beta=beta, axis=axis)
