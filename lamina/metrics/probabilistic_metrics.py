"""Probabilistic metrics: running means of the crossentropy, KL and Poisson losses."""

from lamina.losses import probabilistic as losses
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """Running mean of the KL divergence. Default name "kl_divergence"."""

    _direction = "down"

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running mean of the Poisson loss. Default name "poisson"."""

    _direction = "down"

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary crossentropy (from_logits=False, label_smoothing=0)."""

    _direction = "down"

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical crossentropy over one-hot labels."""

    _direction = "down"

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the sparse categorical crossentropy; labels equal to
    `ignore_class` are not counted."""

    _direction = "down"

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
