"""Solarization: brighten an image, then invert the pixels above a threshold."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import RandomImageLayer

_FACTOR_ERROR = ("Solarization: the `addition_factor` and `threshold_factor` arguments should be "
                 "a number (or a list of two numbers) in the range [0, 1]. ")


def _factor_pair(factor, name):
    if isinstance(factor, (tuple, list)) and len(factor) == 2:
        values = sorted(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [0, factor]
    else:
        raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
    if any(v < 0 or v > 1 for v in values):
        raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
    return tuple(values)


class Solarization(RandomImageLayer):
    """In training, per image: on the 0-255 scale of `value_range`, add `a` (clipped to
    [0, 255]) and replace every pixel `p >= t` by `255 - p`. `a` is drawn uniformly from
    `[addition_factor[0], addition_factor[1] * 255]` and `t` from
    `[threshold_factor[0], threshold_factor[1] * 255]` (Keras's bounds: the lower one is not
    scaled). A number f means (0, f); the defaults (0, 0) invert every pixel.

    Args:
        addition_factor: 0.0. threshold_factor: 0.0. value_range: (0, 255). seed: None.
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _factor_pair(addition_factor, "addition_factor")
        self.threshold_factor = _factor_pair(threshold_factor, "threshold_factor")
        self.value_range = sorted_value_range(value_range, "Solarization")

    def _augment(self, images, key):
        key_add, key_threshold = jax.random.split(key)
        shape = (images.shape[0], 1, 1, 1)
        additions = jax.random.uniform(key_add, shape, images.dtype, self.addition_factor[0],
                                       self.addition_factor[1] * 255)
        thresholds = jax.random.uniform(key_threshold, shape, images.dtype,
                                        self.threshold_factor[0], self.threshold_factor[1] * 255)
        lo, hi = self.value_range
        scaled = jnp.clip((images - lo) / (hi - lo) * 255.0 + additions, 0, 255)
        solarized = jnp.where(scaled < thresholds, scaled, 255 - scaled)
        return solarized / 255.0 * (hi - lo) + lo

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor}
