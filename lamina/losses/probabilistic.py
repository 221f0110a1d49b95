"""Probabilistic losses: binary, categorical and sparse crossentropies (plain and
focal), Kullback-Leibler divergence and Poisson.

Probabilities are clipped to [epsilon, 1 - epsilon] before taking logs; with
`from_logits=True` the log-sigmoid / log-softmax is used directly instead.
"""

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.losses.loss import LossFunctionWrapper
from lamina.losses.utils import align_ranks, is_concrete, prepare_pair, to_float


def _same_shape(what, y_true, y_pred, hint=""):
    """Cast y_true to y_pred's float dtype, align ranks and require equal shapes."""
    y_pred = to_float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    y_true, y_pred = align_ranks(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{what}: y_true shape {tuple(y_true.shape)} does not match y_pred "
                         f"shape {tuple(y_pred.shape)}; they must be equal.{hint}")
    return y_true, y_pred


def _binary_xent(y_true, y_pred, from_logits):
    """Elementwise -(y log p + (1 - y) log(1 - p))."""
    if from_logits:
        return -(y_true * jax.nn.log_sigmoid(y_pred) + (1.0 - y_true) * jax.nn.log_sigmoid(-y_pred))
    eps = config.epsilon()
    p = jnp.clip(y_pred, eps, 1.0 - eps)
    return -(y_true * jnp.log(p) + (1.0 - y_true) * jnp.log(1.0 - p))


def _class_probs(y_pred, from_logits, axis):
    """Probabilities along `axis`, renormalized to sum to one and clipped to [eps, 1-eps]."""
    if from_logits:
        y_pred = jax.nn.softmax(y_pred, axis=axis)
    eps = config.epsilon()
    return jnp.clip(y_pred / jnp.sum(y_pred, axis=axis, keepdims=True), eps, 1.0 - eps)


def _log_probs(y_pred, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(y_pred, axis=axis)
    return jnp.log(_class_probs(y_pred, False, axis))


def _smooth_binary(y_true, label_smoothing):
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing if label_smoothing else y_true


def _smooth_categorical(y_true, label_smoothing, axis):
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]


def _check_axis(what, axis):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{what}: `axis` must be an int, got {axis!r}.")


_ONE_HOT_HINT = " For integer class labels use sparse_categorical_crossentropy."


def _categorical_inputs(what, y_true, y_pred, label_smoothing, axis):
    _check_axis(what, axis)
    y_true, y_pred = _same_shape(what, y_true, y_pred, _ONE_HOT_HINT)
    if y_pred.ndim < 1:
        raise ValueError(f"{what}: y_pred must have at least one axis, got a scalar.")
    if y_pred.shape[-1] == 1:
        warnings.warn(f"{what}: y_pred has shape {tuple(y_pred.shape)} with a single class; "
                      "use binary_crossentropy for two-class problems.", stacklevel=3)
    return _smooth_categorical(y_true, label_smoothing, axis), y_pred


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean over `axis` of the elementwise binary crossentropy.

    Args:
        y_true: 0/1 targets, same shape as y_pred (a trailing 1-axis may differ).
        y_pred: probabilities, or logits when `from_logits`.
        label_smoothing: squeeze targets towards 0.5 by this amount.
    Returns: shape of y_pred without `axis`.
    """
    y_true, y_pred = _same_shape("binary_crossentropy", y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    return jnp.mean(_binary_xent(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled by (1 - p_t)**gamma, optionally by alpha / (1 - alpha)
    for class 1 / class 0 when `apply_class_balancing`; mean over `axis`."""
    y_true, y_pred = _same_shape("binary_focal_crossentropy", y_true, y_pred)
    y_true = _smooth_binary(y_true, label_smoothing)
    p = jax.nn.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    focal = jnp.power(1.0 - p_t, gamma) * _binary_xent(y_true, p, False)
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return jnp.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(p), axis) for one-hot (or soft) targets of y_pred's shape.

    label_smoothing: targets become y * (1 - s) + s / num_classes.
    Returns: shape of y_pred without `axis`.
    """
    y_true, y_pred = _categorical_inputs("categorical_crossentropy", y_true, y_pred,
                                         label_smoothing, axis)
    return -jnp.sum(y_true * _log_probs(y_pred, from_logits, axis), axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """sum(alpha * (1 - p)**gamma * -y_true * log(p), axis)."""
    y_true, y_pred = _categorical_inputs("categorical_focal_crossentropy", y_true, y_pred,
                                         label_smoothing, axis)
    p = _class_probs(y_pred, from_logits, axis)
    focal = alpha * jnp.power(1.0 - p, gamma) * (-y_true * jnp.log(p))
    return jnp.sum(focal, axis=axis)


def _sparse_labels(what, y_true, y_pred, ignore_class, axis):
    """Integer labels of y_pred's shape without `axis`, and the mask of labels kept."""
    y_true = jnp.asarray(y_true)
    if y_pred.ndim < 1:
        raise ValueError(f"{what}: y_pred must have a class axis, got a scalar.")
    axis = axis % y_pred.ndim
    num_classes = y_pred.shape[axis]
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis)
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1:]
    if y_true.shape != expected:
        hint = (" y_true looks one-hot encoded: use categorical_crossentropy."
                if y_true.shape == y_pred.shape else "")
        raise ValueError(f"{what}: y_true shape {tuple(y_true.shape)} does not fit y_pred shape "
                         f"{tuple(y_pred.shape)}; expected integer labels of shape "
                         f"{tuple(expected)}.{hint}")
    kept = None if ignore_class is None else y_true != ignore_class
    if is_concrete(y_true):
        _check_label_range(what, np.asarray(y_true), num_classes, ignore_class)
    labels = y_true.astype(jnp.int32)
    if kept is not None:
        labels = jnp.where(kept, labels, 0)
    return labels, kept, axis


def _check_label_range(what, labels, num_classes, ignore_class):
    if ignore_class is not None:
        labels = labels[labels != ignore_class]
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if bad.size:
        bad = np.unique(bad)[:5]
        if np.all(bad == np.round(bad)):
            bad = bad.astype(np.int64)  # labels arrive as floats through Loss.__call__
        shown = ", ".join(str(v) for v in bad.tolist())
        raise ValueError(f"{what}: labels must be in the range [0, {num_classes - 1}] for "
                         f"{num_classes} classes; got {shown}.")


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Crossentropy for integer labels.

    Args:
        y_true: integer labels, shape of y_pred without `axis` (a size-1 axis is
            allowed in its place). Out-of-range labels raise a ValueError when the
            labels are concrete (not traced).
        y_pred: probabilities or logits with classes on `axis`.
        ignore_class: label value whose entries give 0 and are left out of the
            reduction (see `output_mask`).
    Returns: shape of y_pred without `axis`.
    """
    y_pred = to_float(y_pred)
    labels, kept, axis = _sparse_labels("sparse_categorical_crossentropy", y_true, y_pred,
                                        ignore_class, axis)
    log_prob = _log_probs(y_pred, from_logits, axis)
    one_hot = jax.nn.one_hot(labels, y_pred.shape[axis], axis=axis, dtype=log_prob.dtype)
    result = -jnp.sum(one_hot * log_prob, axis=axis)
    if kept is not None:
        result = jnp.where(kept, result, jnp.zeros((), result.dtype))
    return result


def _sparse_output_mask(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    if ignore_class is None:
        return None
    y_true = jnp.asarray(y_true)
    axis = axis % y_pred.ndim
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis)
    return y_true != ignore_class


sparse_categorical_crossentropy.output_mask = _sparse_output_mask


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [epsilon, 1]."""
    y_true, y_pred = prepare_pair("kl_divergence", y_true, y_pred)
    eps = config.epsilon()
    y_true = jnp.clip(y_true, eps, 1.0)
    y_pred = jnp.clip(y_pred, eps, 1.0)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)."""
    y_true, y_pred = prepare_pair("poisson", y_true, y_pred)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + config.epsilon()), axis=-1)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary crossentropy for 0/1 targets. Default name "binary_crossentropy"."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary crossentropy (gamma=2.0; alpha=0.25 used when apply_class_balancing)."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for one-hot targets. Default name "categorical_crossentropy"."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal crossentropy for one-hot targets (alpha=0.25, gamma=2.0)."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for integer labels; entries equal to `ignore_class` are left out
    of the average. Default name "sparse_categorical_crossentropy"."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence. Default name "kl_divergence"."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson loss. Default name "poisson"."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)
