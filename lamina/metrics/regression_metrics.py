"""Regression metrics: running means of the regression losses, RMSE, cosine
similarity, and the R2 score."""

import warnings

import jax.numpy as jnp

from lamina.losses import regression as losses
from lamina.losses.utils import is_concrete, prepare_pair
from lamina.metrics.metric import Metric
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): 1 means same direction."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of squared errors. Default name "mean_squared_error"."""

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of absolute errors. Default name "mean_absolute_error"."""

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean absolute percentage error."""

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean squared logarithmic error."""

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """Running mean of log(cosh(error)). Default name "logcosh"."""

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity along `axis` (default -1)."""

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """sqrt of the running (weighted) mean of squared errors, taken per element.
    Default name "root_mean_squared_error"."""

    _direction = "down"

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = prepare_pair(f"Metric '{self.name}'", y_true, y_pred)
        error = jnp.square(y_pred.astype(self.dtype) - y_true.astype(self.dtype))
        super().update_state(error, sample_weight=sample_weight)

    def result(self):
        return jnp.sqrt(super().result())


class R2Score(Metric):
    """Coefficient of determination, 1 - SS_res / SS_tot, per output column.

    Args:
        class_aggregation: "uniform_average" (default), "variance_weighted_average",
            or None for one score per column.
        num_regressors: > 0 gives the adjusted R2 for that many regressors.
    Inputs are `(batch, outputs)`; the state is created on the first batch (use
    `ensure_built` before the pure form).
    """

    _direction = "up"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError("R2Score: class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', got {class_aggregation!r}.")
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}.")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(name="num_samples")
        self.built = False

    def build(self, y_true_shape, y_pred_shape):
        """Create the per-column sums for `(batch, outputs)` inputs."""
        if len(y_true_shape) != 2 or len(y_pred_shape) != 2 or y_pred_shape[-1] is None:
            raise ValueError(f"R2Score expects 2D inputs (batch, outputs); got y_true shape "
                             f"{tuple(y_true_shape)} and y_pred shape {tuple(y_pred_shape)}.")
        shape = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(shape=shape, name="squared_sum")
        self.sum = self.add_variable(shape=shape, name="sum")
        self.total_mse = self.add_variable(shape=shape, name="residual")
        self.count = self.add_variable(shape=shape, name="count")
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = prepare_pair(f"Metric '{self.name}'", y_true, y_pred)
        y_true, y_pred = y_true.astype(self.dtype), y_pred.astype(self.dtype)
        if not self.built:
            self.build(y_true.shape, y_pred.shape)
        weight = jnp.asarray(1 if sample_weight is None else sample_weight, self.dtype)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = jnp.broadcast_to(weight, y_true.shape)
        self.sum.assign_add(jnp.sum(y_true * weight, axis=0))
        self.squared_sum.assign_add(jnp.sum(jnp.square(y_true) * weight, axis=0))
        self.total_mse.assign_add(jnp.sum(jnp.square(y_true - y_pred) * weight, axis=0))
        self.count.assign_add(jnp.sum(weight, axis=0))
        self.num_samples.assign_add(y_true.size)

    def result(self):
        mean = self.sum.value / self.count.value
        total = self.squared_sum.value - self.sum.value * mean
        scores = 1 - self.total_mse.value / total
        scores = jnp.where(jnp.isinf(scores), 0.0, scores)
        if self.class_aggregation == "uniform_average":
            score = jnp.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = jnp.sum(total * scores) / jnp.sum(total)
        else:
            score = scores
        if self.num_regressors:
            score = self._adjust(score)
        return score

    def _adjust(self, score):
        """Adjusted R2; the plain score when there are too few samples for it."""
        n = self.num_samples.value.astype(score.dtype)
        p = self.num_regressors
        too_few = p >= n - 1
        if is_concrete(too_few) and bool(too_few):
            warnings.warn(f"R2Score: {int(n)} samples are too few for the adjusted score with "
                          f"{p} regressors; returning the plain R2.", stacklevel=3)
        adjusted = 1.0 - (1.0 - score) * (n - 1.0) / jnp.where(too_few, 1.0, n - p - 1.0)
        return jnp.where(too_few, score, adjusted)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}
