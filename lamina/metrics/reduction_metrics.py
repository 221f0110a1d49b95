"""Sum, Mean, and MeanMetricWrapper (the mean of a per-sample function over batches)."""

import jax.numpy as jnp

from lamina.losses.loss import config_with_function, mask_to_weights, wrapper_config
from lamina.losses.utils import align_ranks, divide_no_nan
from lamina.metrics.metric import Metric


def per_sample(values, sample_weight, reduce_fn, dtype, what="metric"):
    """Reduce `values` to one value per sample and weigh them.

    Returns `(values * weights, weights)` with shape `(batch,)` (or `()` for scalar
    values); weights is None when `sample_weight` is None. Values with more axes than
    the weight are first reduced (with `reduce_fn`) down to the weight's rank.
    """
    values = jnp.asarray(values).astype(dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight).astype(dtype)
        values, sample_weight = align_ranks(values, sample_weight)
        if values.ndim > sample_weight.ndim:
            values = reduce_fn(values, axis=tuple(range(sample_weight.ndim, values.ndim)))
        try:
            sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(f"{what}: sample_weight of shape {tuple(sample_weight.shape)} does "
                             f"not fit the values of shape {tuple(values.shape)}.") from None
        values = values * sample_weight
        if sample_weight.ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, sample_weight.ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen. Variable: `total`. Default name "sum"."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = per_sample(values, sample_weight, jnp.sum, self.dtype, f"Metric '{self.name}'")
        self.total.assign_add(jnp.sum(values))

    def result(self):
        return self.total.value


class Mean(Metric):
    """The (weighted) mean of all values seen: `total / count`. Default name "mean".

    Values of shape `(batch, ...)` count once per sample (inner axes are averaged);
    with `sample_weight`, each sample counts by its weight."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(name="total")
        self.count = self.add_variable(name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = per_sample(values, sample_weight, jnp.mean, self.dtype,
                                           f"Metric '{self.name}'")
        self.total.assign_add(jnp.sum(values))
        if sample_weight is not None:
            count = jnp.sum(sample_weight)
        else:
            count = values.shape[0] if values.ndim >= 1 else 1
        self.count.assign_add(count)

    def result(self):
        return divide_no_nan(self.total.value, self.count.value)


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`, a per-sample function
    (e.g. a loss function). Entries that `fn.output_mask` marks as ignored (sparse
    crossentropy's `ignore_class`) count with weight 0.

    Args:
        fn: `fn(y_true, y_pred, **kwargs)` -> per-sample values.
        name: metric name; dtype: state dtype (floatx() when None).
        **kwargs: passed to `fn`.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        """`mask`: the Keras mask of `y_pred`; masked entries count with weight 0."""
        try:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        except ValueError as error:
            raise ValueError(f"Metric '{self.name}': {error}") from error
        if mask is not None:
            sample_weight = mask_to_weights(sample_weight, mask, "sum", self.dtype)
        mask_fn = getattr(self._fn, "output_mask", None)
        if mask_fn is not None:
            mask = mask_fn(jnp.asarray(y_true), jnp.asarray(y_pred), **self._fn_kwargs)
            sample_weight = mask_to_weights(sample_weight, mask, "sum", self.dtype)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return wrapper_config(super().get_config(), self._fn, self._fn_kwargs,
                              with_fn=type(self) is MeanMetricWrapper)

    @classmethod
    def from_config(cls, config):
        from lamina.metrics.get import deserialize

        return cls(**config_with_function(config, deserialize))
