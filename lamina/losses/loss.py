"""`Loss`, the base class of every loss, and the reductions they share.

A loss is called as `loss(y_true, y_pred, sample_weight=None)`: `call` gives one
value per sample (or per element), then `sample_weight` and the reduction turn them
into the scalar that training minimizes.
"""

import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.core import naming, tree
from lamina.losses.utils import align_ranks, divide_no_nan, to_float
from lamina.core.serialization.serialization import serialize_keras_object

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Check `reduction` is one of REDUCTIONS and return it."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid reduction {reduction!r}; expected one of {list(REDUCTIONS)}.")
    return reduction


def mask_to_weights(sample_weight, mask, reduction, dtype):
    """Fold a boolean `mask` into `sample_weight`.

    For the averaging reductions ("sum_over_batch_size", "mean") kept entries weigh
    `total / kept`, so the later division by the element count averages over the
    kept entries only. Other reductions use the mask as 0/1 weights."""
    if mask is None:
        return sample_weight
    mask = jnp.asarray(mask).astype(bool)
    if reduction in ("sum_over_batch_size", "mean"):
        kept = jnp.sum(mask.astype(dtype))
        mask_weight = jnp.where(mask, divide_no_nan(jnp.asarray(mask.size, dtype), kept), 0)
    else:
        mask_weight = mask.astype(dtype)
    if sample_weight is None:
        return mask_weight
    return weigh(mask_weight, jnp.asarray(sample_weight, dtype), "sample_weight with a mask")[0]


def weigh(values, sample_weight, what="loss"):
    """(values * sample_weight, aligned sample_weight).

    Ranks are first aligned (`align_ranks`), then the weight broadcasts against the
    values as in NumPy; a weight whose shape is a leading part of the values' shape
    (per-sample weights for per-timestep values) is expanded on the right."""
    values, sample_weight = align_ranks(values, sample_weight)
    try:
        np.broadcast_shapes(values.shape, sample_weight.shape)
    except ValueError:
        n = sample_weight.ndim
        if n < values.ndim and sample_weight.shape == values.shape[:n]:
            sample_weight = sample_weight.reshape(sample_weight.shape + (1,) * (values.ndim - n))
        else:
            raise ValueError(
                f"{what}: sample_weight of shape {tuple(sample_weight.shape)} does not fit "
                f"the per-sample values of shape {tuple(values.shape)}.") from None
    return values * sample_weight, sample_weight


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already weighted `values` to a scalar (or return them for "none"/None).

    "sum" adds them up; "sum_over_batch_size" and "mean" divide the sum by the number
    of elements; "mean_with_sample_weight" divides by the sum of the weights."""
    if reduction in (None, "none") or values.ndim == 0:
        return values
    total = jnp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(total.dtype)
    else:
        divisor = jnp.asarray(values.size, total.dtype)
    return divide_no_nan(total, divisor)


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None, what="loss"):
    """Apply `mask` and `sample_weight` to per-sample `values`, then `reduction`.

    Args:
        values: per-sample loss values, e.g. shape `(batch,)` or `(batch, steps)`.
        sample_weight: None, a scalar, or an array that broadcasts (see `weigh`).
        mask: optional boolean array over `values` (e.g. ignored classes).
        reduction: one of REDUCTIONS.
        dtype: compute dtype; floatx() when None.
    """
    reduction = standardize_reduction(reduction)
    dtype = standardize_dtype(dtype)
    values = jnp.asarray(values, dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype)
    sample_weight = mask_to_weights(sample_weight, mask, reduction, dtype)
    if sample_weight is not None:
        values, sample_weight = weigh(values, sample_weight, what)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses. Subclasses implement `call(y_true, y_pred)`.

    Args:
        name: defaults to the snake-cased class name, made unique.
        reduction: "sum_over_batch_size" (default), "sum", "mean",
            "mean_with_sample_weight", "none" or None.
        dtype: compute dtype of inputs and result; floatx() when None.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype_arg = dtype
        self._dtype = standardize_dtype(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None, mask=None):
        """Scalar loss (or per-sample values when reduction is "none"/None). `mask`: the
        Keras mask of `y_pred` (e.g. padded time steps), entries left out of the mean."""
        convert = lambda x: x if x is None else to_float(x, self.dtype)  # noqa: E731
        y_true = tree.map_structure(convert, y_true)
        y_pred = tree.map_structure(convert, y_pred)
        values = self.call(y_true, y_pred)
        own = self.compute_mask(y_true, y_pred)
        if own is not None:
            mask = own if mask is None else jnp.logical_and(jnp.asarray(mask, bool), own)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction,
                                      self.dtype, what=f"Loss '{self.name}'")

    def call(self, y_true, y_pred):
        """Per-sample loss values; subclasses implement this."""
        raise TypeError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def compute_mask(self, y_true, y_pred):
        """Optional boolean mask over `call`'s output (entries to ignore); None here."""
        return None

    def get_config(self):
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype_arg is not None:
            config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _align_structures(y_true, y_pred):
    if not tree.is_nested(y_true) and not tree.is_nested(y_pred):
        return align_ranks(y_true, y_pred)
    flat_true, flat_pred = tree.flatten(y_true), tree.flatten(y_pred)
    pairs = [align_ranks(t, p) for t, p in zip(flat_true, flat_pred)]
    return (tree.pack_sequence_as(y_true, [t for t, _ in pairs]),
            tree.pack_sequence_as(y_pred, [p for _, p in pairs]))


def wrapper_config(config, fn, fn_kwargs, with_fn):
    """`config` plus the wrapped function's keyword arguments, and the serialized
    function when `with_fn` (plain wrappers; built-in subclasses know their function)."""
    if with_fn:
        config["fn"] = serialize_keras_object(fn)
    config.update(fn_kwargs)
    return config


def config_with_function(config, deserialize):
    """A copy of `config` whose serialized "fn" entry is turned back into a function."""
    config = dict(config)
    if "fn" in config:
        config["fn"] = deserialize(config["fn"])
    return config


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`.

    Ranks of `y_true` and `y_pred` are aligned first (`(N,)` vs `(N, 1)` is fine).
    A function may carry an `output_mask(y_true, y_pred, **kwargs)` attribute giving
    entries to leave out of the reduction (sparse crossentropy's `ignore_class`).
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        if type(self) is not LossFunctionWrapper:
            # Built-in subclasses expose their options, e.g. `loss.from_logits`.
            for key, value in kwargs.items():
                setattr(self, key, value)

    def call(self, y_true, y_pred):
        y_true, y_pred = _align_structures(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def compute_mask(self, y_true, y_pred):
        mask_fn = getattr(self.fn, "output_mask", None)
        if mask_fn is None:
            return None
        y_true, y_pred = _align_structures(y_true, y_pred)
        return mask_fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return wrapper_config(super().get_config(), self.fn, self._fn_kwargs,
                              with_fn=type(self) is LossFunctionWrapper)

    @classmethod
    def from_config(cls, config):
        from lamina.losses.get import deserialize

        return cls(**config_with_function(config, deserialize))

    def __repr__(self):
        if type(self) is LossFunctionWrapper:
            return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"
        return super().__repr__()
