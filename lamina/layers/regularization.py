"""Regularization layers: Dropout, GaussianNoise, GaussianDropout, SpatialDropout."""

import jax
import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.random.hash_bits import keep_mask
from lamina.random.seed_generator import SeedGenerator


class Dropout(Layer):
    """In training, zero each input entry with probability `rate` and scale the rest by
    1 / (1 - rate); at inference, identity. noise_shape: broadcastable mask shape."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout '{self.name}': rate must be in [0, 1], got {rate}.")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if rate > 0 else None
        self.supports_masking = True
        self.built = True

    def _mask_shape(self, inputs):
        if self.noise_shape is None:
            return inputs.shape
        return tuple(inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return jnp.zeros_like(inputs)
        # Masks come from a cheap counter hash, not threefry (see lamina/random/hash_bits.py).
        keep = keep_mask(self.seed_generator.next_state(), self._mask_shape(inputs), 1.0 - self.rate)
        return jnp.where(keep, inputs * (1.0 / (1.0 - self.rate)), jnp.zeros((), inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class SpatialDropout1D(Dropout):
    """Drops whole channels of (batch, steps, channels) inputs."""

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def _mask_shape(self, inputs):
        return (inputs.shape[0], 1, inputs.shape[-1])

    def get_config(self):
        # Keras's keys: Keras's SpatialDropout layers take no `trainable` or `noise_shape`.
        config = super().get_config()
        config.pop("trainable", None)
        config.pop("noise_shape", None)
        return config


class SpatialDropout2D(Dropout):
    """Drops whole channels of (batch, h, w, channels) inputs."""

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = data_format or "channels_last"

    def _mask_shape(self, inputs):
        if self.data_format == "channels_first":
            return inputs.shape[:2] + (1,) * (inputs.ndim - 2)
        return (inputs.shape[0],) + (1,) * (inputs.ndim - 2) + (inputs.shape[-1],)

    def get_config(self):
        config = super().get_config()
        config.pop("noise_shape", None)
        config.pop("trainable", None)
        return {**config, "data_format": self.data_format}


class SpatialDropout3D(SpatialDropout2D):
    """Drops whole channels of (batch, d, h, w, channels) inputs."""


class GaussianNoise(Layer):
    """In training, add zero-mean Gaussian noise with standard deviation `stddev`."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(self.seed_generator.next(), inputs.shape, inputs.dtype)
        return inputs + self.stddev * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """In training, multiply by 1-centred Gaussian noise of variance rate / (1 - rate)."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        noise = jax.random.normal(self.seed_generator.next(), inputs.shape, inputs.dtype)
        return inputs * (1.0 + stddev * noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
