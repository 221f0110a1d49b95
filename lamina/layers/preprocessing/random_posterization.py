"""RandomPosterization: keep only the top bits of each 8-bit colour value."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import RandomImageLayer


class RandomPosterization(RandomImageLayer):
    """In training, per image keep `bits` high bits of each 0-255 value (on the scale of
    `value_range`): `bits` drawn from `[factor[0], factor[1])` (a fixed `bits` when both
    are equal); a number f means (1, f). Values in [1, 8].

    Args:
        factor: required. value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        error = ("RandomPosterization: the `factor` argument should be a number (or a list of "
                 f"two numbers) in the range [1, 8]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > 8 or factor[1] < 1:
                raise ValueError(error)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not 1 <= factor <= 8:
                raise ValueError(error)
            lower, upper = max(-factor, 1), factor
        else:
            raise ValueError(error)
        self.factor = (lower, upper)
        self.value_range = sorted_value_range(value_range, "RandomPosterization")

    def _augment(self, images, key):
        batch = images.shape[0]
        lower, upper = self.factor
        if lower != upper:
            bits = jax.random.randint(key, (batch,), int(lower), int(upper))
        else:
            bits = jnp.full((batch,), int(lower))
        shift = (8 - bits).astype(jnp.uint8)[:, None, None, None]
        lo, hi = self.value_range
        values = ((images - lo) / (hi - lo) * 255.0).astype(jnp.uint8)
        kept = jnp.left_shift(jnp.right_shift(values, shift), shift).astype(images.dtype)
        return kept / 255.0 * (hi - lo) + lo

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
