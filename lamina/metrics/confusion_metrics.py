"""Metrics from confusion counts at thresholds: TP/FP/TN/FN, Precision, Recall, the
X-at-Y family (e.g. PrecisionAtRecall) and AUC.

All take `y_true` labels (nonzero = positive) and `y_pred` scores in [0, 1] of the
same shape, with an optional `sample_weight`; see `confusion_counts`.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.losses.utils import divide_no_nan
from lamina.metrics.confusion_counts import (
    NEG_INF,
    evenly_spaced,
    parse_thresholds,
    update_confusion_counts,
)
from lamina.metrics.metric import Metric


class _ThresholdCounts(Metric):
    """Metrics that keep some confusion counts at a list of thresholds.

    `_counts` names the variables (keys of `update_confusion_counts`); each is created
    with shape `(len(thresholds),)` as `true_positives`, `false_positives`, ...
    """

    _names = {"tp": "true_positives", "fp": "false_positives",
              "tn": "true_negatives", "fn": "false_negatives"}
    _counts = ()

    def __init__(self, thresholds, even, name=None, dtype=None, top_k=None, class_id=None):
        super().__init__(name=name, dtype=dtype)
        self.thresholds = thresholds
        self._even = even
        self.top_k = top_k
        self.class_id = class_id
        for key in self._counts:
            setattr(self, self._names[key],
                    self.add_variable(shape=(len(thresholds),), name=self._names[key]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        variables = {key: getattr(self, self._names[key]) for key in self._counts}
        update_confusion_counts(variables, y_true, y_pred, self.thresholds, even=self._even,
                                top_k=self.top_k, class_id=self.class_id,
                                sample_weight=sample_weight, what=f"Metric '{self.name}'")

    def _per_threshold(self, values):
        """A scalar for a single threshold, else one value per threshold."""
        return values[0] if len(self.thresholds) == 1 else values


class _ConfusionCount(_ThresholdCounts):
    """One confusion count at `thresholds` (default 0.5): a scalar or one per threshold."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        values = parse_thresholds(thresholds, 0.5)
        super().__init__(values, evenly_spaced(values), name=name, dtype=dtype)
        self.accumulator = getattr(self, self._names[self._counts[0]])

    def result(self):
        return self._per_threshold(self.accumulator.value)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted number of true positives at `thresholds` (default 0.5)."""

    _counts = ("tp",)


class FalsePositives(_ConfusionCount):
    """Weighted number of false positives at `thresholds` (default 0.5)."""

    _counts = ("fp",)


class TrueNegatives(_ConfusionCount):
    """Weighted number of true negatives at `thresholds` (default 0.5)."""

    _counts = ("tn",)


class FalseNegatives(_ConfusionCount):
    """Weighted number of false negatives at `thresholds` (default 0.5)."""

    _counts = ("fn",)


class _PrecisionOrRecall(_ThresholdCounts):
    """Shared by Precision and Recall: thresholds (default 0.5, or "any score among
    the top_k"), top_k, class_id."""

    _direction = "up"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds = thresholds
        values = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        super().__init__(values, evenly_spaced(values), name=name, dtype=dtype, top_k=top_k,
                         class_id=class_id)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionOrRecall):
    """TP / (TP + FP) at `thresholds` (default 0.5). Args: thresholds, top_k, class_id."""

    _counts = ("tp", "fp")

    def result(self):
        tp = self.true_positives.value
        return self._per_threshold(divide_no_nan(tp, tp + self.false_positives.value))


class Recall(_PrecisionOrRecall):
    """TP / (TP + FN) at `thresholds` (default 0.5). Args: thresholds, top_k, class_id."""

    _counts = ("tp", "fn")

    def result(self):
        tp = self.true_positives.value
        return self._per_threshold(divide_no_nan(tp, tp + self.false_negatives.value))


def _rates(metric):
    """Named rates per threshold from the four counts of `metric`."""
    tp, fp = metric.true_positives.value, metric.false_positives.value
    tn, fn = metric.true_negatives.value, metric.false_negatives.value
    return {"sensitivity": divide_no_nan(tp, tp + fn), "recall": divide_no_nan(tp, tp + fn),
            "specificity": divide_no_nan(tn, tn + fp), "precision": divide_no_nan(tp, tp + fp)}


class _AtConstraint(_ThresholdCounts):
    """The best `target` rate among thresholds where the `constraint` rate >= value.

    Thresholds are `num_thresholds` (default 200) evenly spaced in [0, 1]."""

    _counts = ("tp", "fp", "tn", "fn")
    _direction = "up"
    _target = _constraint = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(f"{type(self).__name__}: `{self._constraint}` must be in [0, 1], "
                             f"got {value}.")
        if num_thresholds <= 0:
            raise ValueError(f"{type(self).__name__}: num_thresholds must be > 0, got "
                             f"{num_thresholds}.")
        self.num_thresholds = num_thresholds
        setattr(self, self._constraint, value)
        self.value = value
        if num_thresholds == 1:
            values, even = [0.5], False
        else:
            values = [i / (num_thresholds - 1) for i in range(num_thresholds)]
            values[-1] = 1.0
            even = True
        super().__init__(values, even, name=name, dtype=dtype, class_id=class_id)

    def result(self):
        rates = _rates(self)
        feasible = rates[self._constraint] >= self.value
        return jnp.max(jnp.where(feasible, rates[self._target], 0), initial=0)

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._constraint: self.value}


class SensitivityAtSpecificity(_AtConstraint):
    """Best sensitivity (recall) where specificity >= `specificity`."""

    _target, _constraint = "sensitivity", "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtConstraint):
    """Best specificity where sensitivity (recall) >= `sensitivity`."""

    _target, _constraint = "specificity", "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtConstraint):
    """Best precision where recall >= `recall`."""

    _target, _constraint = "precision", "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtConstraint):
    """Best recall where precision >= `precision`."""

    _target, _constraint = "recall", "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: number of thresholds, evenly spaced in [0, 1] (default 200).
        curve: "ROC" (default), "PR" or "PRGAIN".
        summation_method: "interpolation" (default; trapezoids for ROC, the
            Davis & Goadrich interpolation for PR), "majoring" or "minoring".
        thresholds: explicit thresholds in [0, 1] instead of num_thresholds.
        multi_label: one curve per label column of `(batch, labels)` data, averaged
            (weighted by `label_weights`); otherwise all entries are pooled.
        num_labels: number of label columns (multi_label); else taken from the first
            batch (call `ensure_built` before the pure form).
        label_weights: weights per label column.
        from_logits: apply a sigmoid to y_pred first.
    """

    _direction = "up"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        curve_key = getattr(curve, "value", curve)
        if str(curve_key).lower() not in _CURVES:
            raise ValueError(f"AUC: invalid curve {curve!r}; expected 'ROC', 'PR' or 'PRGAIN'.")
        summation = getattr(summation_method, "value", summation_method)
        if str(summation).lower() not in _SUMMATIONS:
            raise ValueError(f"AUC: invalid summation_method {summation_method!r}; expected one "
                             f"of {list(_SUMMATIONS)}.")
        self.curve = _CURVES[str(curve_key).lower()]
        self.summation_method = str(summation).lower()
        self._init_from_thresholds = thresholds is not None
        eps = config.epsilon()
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._even = evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be > 1, got {num_thresholds}.")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._even = True
        self._thresholds = [0.0 - eps] + inner + [1.0 + eps]
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else jnp.asarray(label_weights, self.dtype)
        self._from_logits = from_logits
        self.built = False
        if not multi_label:
            if num_labels:
                raise ValueError("AUC: `num_labels` is only used with multi_label=True.")
            self.build(None)
        elif num_labels:
            self.build((None, num_labels))

    @property
    def thresholds(self):
        return list(self._thresholds)

    def build(self, y_pred_shape):
        """Create the four count variables; `(batch, labels)` shape for multi_label."""
        if self.multi_label:
            if y_pred_shape is None or len(y_pred_shape) != 2:
                raise ValueError(f"AUC '{self.name}': multi_label=True needs y_pred of shape "
                                 f"(batch, labels); got {y_pred_shape}.")
            shape = (self.num_thresholds, y_pred_shape[1])
        else:
            shape = (self.num_thresholds,)
        for attr in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, attr, self.add_variable(shape=shape, name=attr))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = jnp.asarray(y_pred)
        if not self.built:
            self.build(y_pred.shape)
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        update_confusion_counts(
            {"tp": self.true_positives, "tn": self.true_negatives,
             "fp": self.false_positives, "fn": self.false_negatives},
            y_true, y_pred, self._thresholds, even=self._even, sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            what=f"Metric '{self.name}'")

    def result(self):
        return auc_from_counts(
            self.true_positives.value, self.false_positives.value, self.true_negatives.value,
            self.false_negatives.value, self.label_weights, curve=self.curve,
            summation_method=self.summation_method, multi_label=self.multi_label)

    def reset_state(self):
        if self.built:
            super().reset_state()

    def get_config(self):
        label_weights = None if self.label_weights is None else np.asarray(self.label_weights).tolist()
        config = {**super().get_config(), "num_thresholds": self.num_thresholds,
                  "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels,
                  "label_weights": label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


def _interpolated_pr_terms(tp, fp, fn):
    """Precision-recall area per threshold interval, interpolating precision between
    thresholds as Davis & Goadrich (2006) do."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = divide_no_nan(dtp, jnp.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = jnp.where(both, divide_no_nan(p[:-1], jnp.maximum(p[1:], 0)), jnp.ones_like(p[1:]))
    return divide_no_nan(slope * (dtp + intercept * jnp.log(ratio)),
                         jnp.maximum(tp[1:] + fn[1:], 0))


def _curve_terms(tp, fp, tn, fn, curve, summation_method):
    """Riemann-sum terms, one per threshold interval, of the chosen curve."""
    if curve == "PR" and summation_method == "interpolation":
        return _interpolated_pr_terms(tp, fp, fn)
    recall = divide_no_nan(tp, tp + fn)
    if curve == "ROC":
        x, y = divide_no_nan(fp, fp + tn), recall
    elif curve == "PR":
        x, y = recall, divide_no_nan(tp, tp + fp)
    else:  # PRGAIN
        scale = divide_no_nan(tp + fn, tn + fp)
        no_tp = tp == 0
        x = jnp.maximum(jnp.where(no_tp, 0.0, 1.0 - scale * divide_no_nan(fn, tp)), 0.0)
        y = jnp.where(no_tp, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
    if summation_method == "interpolation":
        heights = (y[:-1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = jnp.minimum(y[:-1], y[1:])
    else:
        heights = jnp.maximum(y[:-1], y[1:])
    return (x[:-1] - x[1:]) * heights


@functools.partial(jax.jit, static_argnames=("curve", "summation_method", "multi_label"))
def auc_from_counts(tp, fp, tn, fn, label_weights, *, curve, summation_method, multi_label):
    """The area from counts of shape (T,) or (T, labels); labels are averaged (weighted
    by `label_weights` when given) when `multi_label`. Compiled once per configuration."""
    terms = _curve_terms(tp, fp, tn, fn, curve, summation_method)
    if not multi_label:
        return jnp.sum(terms)
    by_label = jnp.sum(terms, axis=0)
    if label_weights is None:
        return jnp.mean(by_label)
    return divide_no_nan(jnp.sum(by_label * label_weights), jnp.sum(label_weights))
