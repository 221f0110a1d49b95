"""Hinge metrics: running means of the hinge losses."""

from lamina.losses.hinge import categorical_hinge, hinge, squared_hinge
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Running mean of the hinge loss. Default name "hinge"."""

    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running mean of the squared hinge loss. Default name "squared_hinge"."""

    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of the categorical hinge loss. Default name "categorical_hinge"."""

    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
