"""Activation layers with their own arguments: ReLU, LeakyReLU, PReLU, ELU, Softmax.

Each keeps the input's shape. PReLU is the only one with weights (a learned slope).
"""

import warnings

import jax
import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object


class _Elementwise(Layer):
    """Base of the shape-preserving activation layers (built on creation, pass masks)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def _check(self, name, value, allow_none=False):
        if value is None and allow_none:
            return None
        if value is None or value < 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': {name} must be a "
                             f"non-negative number, got {name}={value!r}.")
        return float(value)


class ReLU(_Elementwise):
    """`x` above `threshold`, `negative_slope * (x - threshold)` at or below it, capped at
    `max_value` (None: no cap). All three must be non-negative."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = self._check("max_value", max_value, allow_none=True)
        self.negative_slope = self._check("negative_slope", negative_slope)
        self.threshold = self._check("threshold", threshold)

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(_Elementwise):
    """`x` for x >= 0, `negative_slope * x` otherwise (default slope 0.3)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            warnings.warn("LeakyReLU: argument `alpha` is deprecated; use `negative_slope`.",
                          stacklevel=2)
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = self._check("negative_slope", negative_slope)

    def call(self, inputs):
        return jax.nn.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(_Elementwise):
    """`x` for x > 0, `alpha * (exp(x) - 1)` otherwise."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return jax.nn.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_Elementwise):
    """Softmax over `axis` (an int or a tuple of ints). With a boolean `mask` of the
    input's shape, masked entries get probability 0 (a fully masked slice is all 0)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            axis = tuple(axis)
            if not axis or not all(isinstance(a, int) for a in axis):
                raise ValueError(f"Softmax '{self.name}': axis must be an int or a tuple of "
                                 f"ints, got {axis!r}.")
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            keep = jnp.asarray(mask).astype(bool)
            inputs = jnp.where(keep, inputs, jnp.finfo(inputs.dtype).min / 2)
        out = jax.nn.softmax(inputs, axis=self.axis)
        if mask is not None:
            out = jnp.where(keep, out, jnp.zeros((), out.dtype))
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class PReLU(Layer):
    """`x` for x >= 0, `alpha * x` otherwise, with a learned `alpha` per input entry
    (batch excluded). `shared_axes` (1-based, e.g. [1, 2] for images) share one slope
    along those axes: alpha has size 1 there."""

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is not None:
            shared_axes = [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)
            if not all(isinstance(a, int) and a >= 1 for a in shared_axes):
                raise ValueError(f"PReLU '{self.name}': shared_axes must be axes >= 1 (the "
                                 f"batch axis 0 cannot be shared), got {shared_axes!r}.")
        self.shared_axes = shared_axes

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis > len(shape):
                raise ValueError(f"PReLU '{self.name}': shared axis {axis} is out of range for "
                                 f"input shape {tuple(input_shape)}.")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU '{self.name}' needs known sizes on the axes it does not "
                             f"share, got input shape {tuple(input_shape)}; set shared_axes.")
        self.alpha = self.add_weight(shape=shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint, name="alpha")
        axes = {i + 1: d for i, d in enumerate(shape) if d != 1 or input_shape[i + 1] == 1}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)

    def call(self, inputs):
        alpha = self.alpha.value.astype(inputs.dtype)
        return jax.nn.relu(inputs) - alpha * jax.nn.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": serialize_keras_object(self.alpha_initializer),
                "alpha_regularizer": serialize_keras_object(self.alpha_regularizer),
                "alpha_constraint": serialize_keras_object(self.alpha_constraint),
                "shared_axes": self.shared_axes}
