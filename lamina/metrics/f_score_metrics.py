"""F-beta and F1 scores over `(batch, classes)` one-hot / multi-hot labels."""

import jax.numpy as jnp

from lamina.backend import config
from lamina.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """(1 + beta**2) * precision * recall / (beta**2 * precision + recall).

    Args:
        average: None (one score per class), "micro" (pool all classes), "macro"
            (mean over classes) or "weighted" (mean weighted by class support).
        beta: weight of recall relative to precision (float > 0, default 1.0).
        threshold: y_pred > threshold counts as predicted; None (default) predicts
            the highest score per sample.
    Inputs are `(batch, classes)`; the state is created on the first batch (use
    `ensure_built` before the pure form).
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(f"{type(self).__name__}: average must be one of {list(_AVERAGES)}, "
                             f"got {average!r}.")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{type(self).__name__}: beta must be a float > 0, got {beta!r}.")
        if threshold is not None and (not isinstance(threshold, float) or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{type(self).__name__}: threshold must be a float in (0, 1], got "
                             f"{threshold!r}.")
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        """Create the per-class (or pooled, for "micro") counts."""
        if len(y_true_shape) != 2 or len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} expects 2D inputs (batch, classes); got "
                             f"y_true shape {tuple(y_true_shape)} and y_pred shape "
                             f"{tuple(y_pred_shape)}.")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for attr in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, attr, self.add_variable(shape=shape, name=attr))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = jnp.asarray(y_true).astype(self.dtype)
        y_pred = jnp.asarray(y_pred).astype(self.dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        if y_true.shape != y_pred.shape:
            raise ValueError(f"Metric '{self.name}': y_true shape {tuple(y_true.shape)} does not "
                             f"match y_pred shape {tuple(y_pred.shape)}.")
        if self.threshold is None:
            top = jnp.max(y_pred, axis=-1, keepdims=True)
            predicted = (y_pred >= top) & (jnp.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(self.dtype)
        weight = None if sample_weight is None else jnp.asarray(sample_weight, self.dtype)[:, None]

        def weighted_sum(values):
            return jnp.sum(values if weight is None else values * weight, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(predicted * y_true))
        self.false_positives.assign_add(weighted_sum(predicted * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - predicted) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        b2 = self.beta ** 2
        score = (1 + b2) * (precision * recall / (b2 * precision + recall + eps))
        if self.average == "weighted":
            support = self.intermediate_weights.value
            return jnp.sum(score * support / (jnp.sum(support) + eps))
        if self.average is not None:
            return jnp.mean(score)
        return score

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """FBetaScore with beta = 1: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
