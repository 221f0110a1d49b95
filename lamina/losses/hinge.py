"""Hinge losses for maximum-margin classifiers.

`y_true` holds -1/1 labels; 0/1 labels are turned into -1/1 first (only when every
label is 0 or 1). Shapes `(batch, ..., classes)` give per-sample values
`(batch, ...)`.
"""

import jax.numpy as jnp

from lamina.losses.loss import LossFunctionWrapper
from lamina.losses.utils import prepare_pair


def _signed_labels(y_true):
    """Map 0/1 labels to -1/1; leave other label sets as they are."""
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0), axis=-1)."""
    y_true, y_pred = prepare_pair("hinge", y_true, y_pred)
    margin = jnp.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)
    return jnp.mean(margin, axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)**2, axis=-1)."""
    y_true, y_pred = prepare_pair("squared_hinge", y_true, y_pred)
    margin = jnp.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)
    return jnp.mean(jnp.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0) with pos = sum(y_true*y_pred), neg = max((1-y_true)*y_pred)."""
    y_true, y_pred = prepare_pair("categorical_hinge", y_true, y_pred)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss. Default name "hinge"."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss. Default name "squared_hinge"."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss over one-hot labels. Default name "categorical_hinge"."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
