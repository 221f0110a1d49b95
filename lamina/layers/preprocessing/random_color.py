"""RandomContrast and RandomBrightness: per-image colour changes, clipped to the
images' value range."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import (RandomImageLayer, factor_range, listed,
                                                     value_range_pair)


class RandomContrast(RandomImageLayer):
    """Scale each image's deviation from its per-channel mean by a factor drawn from
    [1 - lower, 1 + upper]; a number f means lower = upper = f (factor values in [0, 1]).
    Outputs are clipped to `value_range` (default (0, 255))."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        pair = factor if isinstance(factor, (tuple, list)) else (factor, factor)
        self._lower, self._upper = factor_range(pair, "factor", 0.0, 1.0)
        self.factor = factor
        self.value_range = value_range_pair(value_range)

    def _augment(self, images, key):
        contrast = jax.random.uniform(key, (images.shape[0], 1, 1, 1), images.dtype,
                                      1.0 - self._lower, 1.0 + self._upper)
        mean = jnp.mean(images, axis=(1, 2), keepdims=True)
        return jnp.clip((images - mean) * contrast + mean, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": listed(self.factor),
                "value_range": list(self.value_range)}


class RandomBrightness(RandomImageLayer):
    """Add to each image a delta drawn from [lower, upper] times the width of
    `value_range` (default (0, 255)), then clip to that range. factor: f in [-1, 1]
    (meaning [-f, f]) or a pair (lower, upper)."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self._lower, self._upper = factor_range(factor, "factor", -1.0, 1.0)
        self.factor = factor
        self.value_range = value_range_pair(value_range)

    def _augment(self, images, key):
        low, high = self.value_range
        delta = jax.random.uniform(key, (images.shape[0], 1, 1, 1), images.dtype,
                                   self._lower, self._upper) * (high - low)
        return jnp.clip(images + delta, low, high)

    def get_config(self):
        return {**super().get_config(), "factor": listed(self.factor),
                "value_range": list(self.value_range)}
