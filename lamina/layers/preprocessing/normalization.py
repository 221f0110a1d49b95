"""Normalization: shift and scale features to zero mean and unit variance, with the
statistics given up front or learned by `adapt(data)`."""

import numpy as np
import jax.numpy as jnp

from lamina.backend.config import epsilon
from lamina.core.layer import Layer
from lamina.layers.preprocessing.adapt_data import iter_batches


class Normalization(Layer):
    """`(x - mean) / sqrt(variance)` (or its inverse with `invert=True`).

    axis: the axis or axes that keep a separate mean and variance per index (default -1,
    the features); None: one scalar mean and variance. `mean`/`variance` (given
    together) broadcast to the kept axes. Without them, `adapt(data)` computes them and
    stores them as the non-trainable weights `mean`, `variance` (and `count`, as Keras).
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both `mean` and `variance`, or neither; "
                             f"got mean={mean} and variance={variance}.")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` has shape {np.shape(mean)} but "
                                 f"`variance` has shape {np.shape(variance)}.")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: `mean` of shape {np.shape(mean)} has more "
                                 f"dimensions than the kept axes {self.axis}.")

    def build(self, input_shape):
        if input_shape is None:
            return
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': axis {self.axis} is out of range "
                             f"for inputs of rank {ndim}.")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(f"Normalization '{self.name}': the kept axis {a} of input "
                                 f"shape {tuple(input_shape)} must be known.")
        self._input_shape = tuple(input_shape)
        self._reduce_axis = tuple(a for a in range(ndim) if a not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[a] if a in self._keep_axis else 1
                                      for a in range(ndim))
        self._stats_shape = tuple(input_shape[a] for a in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int",
                                         initializer="zeros", trainable=False)
        else:
            self._fixed = tuple(self._broadcast(v) for v in
                                (self.input_mean, self.input_variance))

    def _broadcast(self, value):
        """A given mean/variance, its trailing dims on the kept axes, at broadcast shape."""
        value = np.asarray(value, dtype=np.float64)
        if value.ndim:
            shape = [1] * len(self._broadcast_shape)
            for i in range(1, value.ndim + 1):
                shape[self._keep_axis[-i]] = value.shape[-i]
            try:
                value = value.reshape(shape)
            except ValueError as error:
                raise ValueError(f"Normalization '{self.name}': mean/variance of shape "
                                 f"{value.shape} do not fit the kept axes of inputs "
                                 f"{self._input_shape}.") from error
        try:
            return np.broadcast_to(value, self._broadcast_shape)
        except ValueError as error:
            raise ValueError(f"Normalization '{self.name}': mean/variance of shape "
                             f"{np.shape(value)} do not broadcast to {self._broadcast_shape}."
                             ) from error

    def adapt(self, data):
        """Compute the mean and variance of `data` (an array, or batches of one; see
        `adapt_data.iter_batches`) over the axes that are not kept."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given `mean` and `variance`; "
                             "it cannot also adapt.")
        total = mean = var = None
        for batch in iter_batches(data):
            if not self.built:
                self.build(batch.shape)
            self._check_adapt_shape(batch.shape)
            batch = batch.astype(np.float64)
            n = int(np.prod([batch.shape[a] for a in self._reduce_axis]))
            b_mean = batch.mean(axis=self._reduce_axis)
            b_var = batch.var(axis=self._reduce_axis)
            if total is None:
                total, mean, var = n, b_mean, b_var
                continue
            new_total = total + n
            new_mean = (total * mean + n * b_mean) / new_total
            var = (total * (var + (mean - new_mean) ** 2)
                   + n * (b_var + (b_mean - new_mean) ** 2)) / new_total
            total, mean = new_total, new_mean
        self.adapt_mean.assign(mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(var.astype(self.adapt_variance.dtype))

    def _check_adapt_shape(self, shape):
        if len(shape) != len(self._input_shape) or any(
                shape[a] != self._input_shape[a] for a in self._keep_axis):
            raise ValueError(f"Normalization '{self.name}' was built for inputs of shape "
                             f"{self._input_shape}; adapt() got data of shape {tuple(shape)}.")

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed
        shape = self._broadcast_shape
        return (jnp.reshape(self.adapt_mean.value, shape),
                jnp.reshape(self.adapt_variance.value, shape))

    @property
    def mean(self):
        """The mean the layer subtracts, at the broadcast shape (e.g. (1, 3)); None unbuilt."""
        return self._statistic(0)

    @property
    def variance(self):
        """The variance the layer divides by (its square root), like `mean`."""
        return self._statistic(1)

    def _statistic(self, index):
        if not self.built or not hasattr(self, "_broadcast_shape"):
            return None
        return jnp.asarray(self._statistics()[index], self.compute_dtype)

    def call(self, inputs):
        dtype = self.compute_dtype
        mean, variance = (jnp.asarray(v, dtype) for v in self._statistics())
        inputs = jnp.asarray(inputs).astype(dtype)
        scale = jnp.maximum(jnp.sqrt(variance), epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist()}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("axis"), list):
            config["axis"] = tuple(config["axis"])
        return cls(**config)
