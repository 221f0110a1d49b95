"""AlphaDropout: dropout that keeps the mean and variance of SELU activations."""

import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.random.hash_bits import keep_mask
from lamina.random.seed_generator import SeedGenerator

# SELU's constants: alpha and scale.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for self-normalizing (SELU) networks: in training, each entry is set with
    probability `rate` to SELU's negative saturation value, then an affine map restores
    the input's mean and variance (for zero-mean, unit-variance inputs). At inference,
    identity. noise_shape: broadcastable mask shape (None entries: the input's sizes)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"AlphaDropout '{self.name}': rate must be a float in [0, 1], "
                             f"got {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape if self.noise_shape is None else tuple(
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        if self.rate == 1:  # everything dropped: the affine map's limit as rate -> 1
            return jnp.zeros_like(inputs)
        saturation = -_SELU_ALPHA * _SELU_SCALE
        keep = keep_mask(self.seed_generator.next_state(), shape, 1.0 - self.rate)
        a = ((1 - self.rate) * (1 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        dropped = jnp.where(keep, inputs, jnp.asarray(saturation, inputs.dtype))
        return (a * dropped + b).astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}
