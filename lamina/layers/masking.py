"""Masking: mark the time steps whose features all equal `mask_value` as padding."""

import jax.numpy as jnp

from lamina.core.layer import Layer


class Masking(Layer):
    """(batch, steps, features) -> same shape; steps whose every feature equals
    `mask_value` are zeroed and masked: the output mask is (batch, steps), True where
    a step holds data. Layers after it that accept a `mask` (e.g. LSTM) skip those steps.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * keep.astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
