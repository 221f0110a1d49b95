"""RandomColorDegeneration: blend each image towards its grayscale version."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import RandomImageLayer, factor_range
from lamina.ops.image import rgb_to_grayscale


class RandomColorDegeneration(RandomImageLayer):
    """In training, per image `x + f * (gray(x) - x)` clipped to `value_range`, `f` drawn
    from `factor` (a number f in [-1, 1] means [-f, f]; negative `f` saturates colours).

    Args:
        factor: required. value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor_range(factor, "factor", -1.0, 1.0)
        self.value_range = sorted_value_range(value_range, "RandomColorDegeneration")

    def _augment(self, images, key):
        f = jax.random.uniform(key, (images.shape[0], 1, 1, 1), images.dtype, *self.factor)
        gray = rgb_to_grayscale(images, data_format="channels_last")
        return jnp.clip(images + f * (gray - images), *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
