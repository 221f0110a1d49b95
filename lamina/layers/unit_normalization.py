"""UnitNormalization: each sample scaled to unit L2 norm over chosen axes."""

import jax
import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.layers.normalization import axes_in_range


class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm over `axis` (an int or a list of ints):
    x / sqrt(max(sum(x**2), 1e-12))."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) for a in axis):
            axis = list(axis)
        elif not isinstance(axis, int):
            raise ValueError(f"UnitNormalization '{self.name}': axis must be an int or a "
                             f"list/tuple of ints, got {axis!r}.")
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        axes = tuple(axes_in_range(self, axes, inputs.ndim))
        squares = jnp.sum(jnp.square(inputs), axis=axes, keepdims=True)
        return inputs * jax.lax.rsqrt(jnp.maximum(squares, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
