"""Intersection-over-union metrics for segmentation and classification, from a
running `(num_classes, num_classes)` confusion matrix (rows: true, columns: predicted).
"""

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.metrics.metric import Metric


def confusion_matrix(labels, predictions, num_classes, weights):
    """Weighted `(num_classes, num_classes)` counts of (label, prediction) pairs; pairs
    with an id outside [0, num_classes) must carry weight 0."""
    ids = labels * num_classes + predictions
    counts = jax.ops.segment_sum(weights, ids, num_segments=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


class IoU(Metric):
    """Mean IoU = TP / (TP + FP + FN) over `target_class_ids`.

    Args:
        num_classes: number of classes.
        target_class_ids: class ids whose IoU is averaged.
        ignore_class: label id left out (e.g. a "void" class).
        sparse_y_true / sparse_y_pred: whether labels / predictions are class ids
            (True, default) or scores to take the argmax of along `axis`.
        dtype: of the confusion matrix, "int32" by default.
    """

    _direction = "up"

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int32")
        if max(target_class_ids) >= num_classes:
            raise ValueError(f"{type(self).__name__}: target class id {max(target_class_ids)} is "
                             f"out of range [0, {num_classes}).")
        self.num_classes = num_classes
        self.target_class_ids = list(target_class_ids)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(shape=(num_classes, num_classes),
                                          name="total_confusion_matrix")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
        if not self.sparse_y_true:
            y_true = jnp.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = jnp.argmax(y_pred, axis=self.axis)
        y_true, y_pred = y_true.astype(self.dtype), y_pred.astype(self.dtype)
        if y_true.size != y_pred.size:
            raise ValueError(f"Metric '{self.name}': y_true has {y_true.size} labels but y_pred "
                             f"has {y_pred.size} predictions (shapes {tuple(y_true.shape)} and "
                             f"{tuple(y_pred.shape)}).")
        weight = self._weights(sample_weight, y_true.shape)
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        n = self.num_classes
        keep = (y_true >= 0) & (y_true < n) & (y_pred >= 0) & (y_pred < n)
        if self.ignore_class is not None:
            keep = keep & (y_true != self.ignore_class)
        labels = jnp.where(keep, y_true, 0).astype(jnp.int32)
        predictions = jnp.where(keep, y_pred, 0).astype(jnp.int32)
        counts = confusion_matrix(labels, predictions, n, jnp.where(keep, weight, 0))
        self.total_cm.assign_add(counts)

    def _weights(self, sample_weight, shape):
        """Flat weights, one per label; per-sample weights spread over each sample."""
        size = int(np.prod(shape))
        if sample_weight is None:
            return jnp.ones((size,), self.dtype)
        sample_weight = jnp.asarray(sample_weight)
        if (jnp.issubdtype(sample_weight.dtype, jnp.floating)
                and jnp.issubdtype(jnp.dtype(self.dtype), jnp.integer)):
            warnings.warn(f"Metric '{self.name}': float sample weights are truncated to the "
                          f"integer dtype {self.dtype}; pass integer weights or dtype='float32'.",
                          stacklevel=3)
        sample_weight = sample_weight.astype(self.dtype)
        if sample_weight.size not in (1, size):
            n = sample_weight.ndim
            if sample_weight.shape != tuple(shape[:n]):
                raise ValueError(f"Metric '{self.name}': sample_weight shape "
                                 f"{tuple(sample_weight.shape)} does not fit labels of shape "
                                 f"{tuple(shape)}.")
            sample_weight = sample_weight.reshape(sample_weight.shape + (1,) * (len(shape) - n))
            sample_weight = jnp.broadcast_to(sample_weight, shape)
        return jnp.broadcast_to(sample_weight.reshape(-1), (size,))

    def result(self):
        cm = self.total_cm.value.astype(self.dtype)
        true_positives = jnp.diagonal(cm)
        denominator = jnp.sum(cm, axis=0) + jnp.sum(cm, axis=1) - true_positives
        ids = jnp.asarray(self.target_class_ids)
        true_positives = true_positives[ids].astype(jnp.float32)
        denominator = denominator[ids].astype(jnp.float32)
        valid = denominator > 1e-9
        eps = config.epsilon()
        iou = jnp.where(valid, true_positives / (denominator + eps), 0.0)
        return jnp.sum(iou) / (jnp.sum(valid.astype(jnp.float32)) + eps)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": self.target_class_ids, "ignore_class": self.ignore_class,
                "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of two classes from scores: y_pred >= threshold (default 0.5) is class 1."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = (jnp.asarray(y_pred, jnp.float32) >= self.threshold).astype(self.dtype)
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype,
                "target_class_ids": self.target_class_ids, "threshold": self.threshold}


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """IoU with one-hot labels and score predictions (argmax taken of both)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU with one-hot labels and score predictions."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
