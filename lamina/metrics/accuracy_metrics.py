"""Accuracy metrics: how often predictions match labels (1.0 per hit, 0.0 per miss).

Each function returns per-sample matches of floatx() dtype; each class is the running
mean of its function (a MeanMetricWrapper).
"""

import jax.numpy as jnp

from lamina.backend import config
from lamina.losses.utils import prepare_pair
from lamina.metrics.reduction_metrics import MeanMetricWrapper

_SPARSE_HINT = " For integer labels use sparse_categorical_accuracy."


def _as_matches(hits):
    return hits.astype(config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where y_pred equals y_true exactly."""
    y_true, y_pred = prepare_pair("accuracy", y_true, y_pred)
    return _as_matches(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the 0/1 label."""
    y_true, y_pred = prepare_pair("binary_accuracy", y_true, y_pred)
    return _as_matches(y_true == (y_pred > threshold).astype(y_true.dtype))


def _one_hot_labels(what, y_true, y_pred):
    """Class indices of one-hot `y_true`, checked against y_pred's shape."""
    y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{what}: y_true shape {tuple(y_true.shape)} does not match y_pred shape "
                         f"{tuple(y_pred.shape)}; expected one-hot labels.{_SPARSE_HINT}")
    return jnp.argmax(y_true, axis=-1), y_pred


def _sparse_labels(what, y_true, y_pred):
    """Integer labels of y_pred's shape without its last axis (a trailing 1 is dropped)."""
    y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = jnp.squeeze(y_true, -1)
    if y_pred.ndim < 1 or y_true.shape != y_pred.shape[:-1]:
        hint = " y_true looks one-hot: use the non-sparse metric." if y_true.shape == y_pred.shape else ""
        raise ValueError(f"{what}: y_true shape {tuple(y_true.shape)} does not fit y_pred shape "
                         f"{tuple(y_pred.shape)}; expected integer labels of shape "
                         f"{tuple(y_pred.shape[:-1])}.{hint}")
    return y_true, y_pred


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true) (one-hot labels)."""
    labels, y_pred = _one_hot_labels("categorical_accuracy", y_true, y_pred)
    return _as_matches(labels == jnp.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer label."""
    labels, y_pred = _sparse_labels("sparse_categorical_accuracy", y_true, y_pred)
    predicted = jnp.argmax(y_pred, axis=-1)
    dtype = y_pred.dtype if jnp.issubdtype(y_pred.dtype, jnp.floating) else config.floatx()
    return _as_matches(labels.astype(dtype) == predicted.astype(dtype))


def in_top_k(labels, y_pred, k):
    """True where the score at `labels` ranks within the top `k` along the last axis
    (ties count in its favour; a NaN score never does)."""
    at_label = jnp.take_along_axis(y_pred, labels[..., None].astype(jnp.int32), axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    return jnp.sum(y_pred > at_label, axis=-1) < k


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the `k` highest scores."""
    labels, y_pred = _one_hot_labels("top_k_categorical_accuracy", y_true, y_pred)
    return _as_matches(in_top_k(labels, y_pred, k))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the `k` highest scores; with
    `from_sorted_ids`, y_pred holds class ids sorted by score, best first."""
    if from_sorted_ids:
        y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
        if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
            y_true = jnp.squeeze(y_true, -1)
        return _as_matches(jnp.any(y_true[..., None] == y_pred[..., :k], axis=-1))
    labels, y_pred = _sparse_labels("sparse_top_k_categorical_accuracy", y_true, y_pred)
    return _as_matches(in_top_k(labels, y_pred, k))


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly. Default name "accuracy"."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` (default 0.5) matches 0/1 labels."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches one-hot labels. Default "categorical_accuracy"."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches integer labels."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top `k` (default 5) predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top `k` (default 5) predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
