"""RandomSharpness: blend each image with a smoothed copy (blur or sharpen)."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer

# Keras's 3x3 smoothing kernel: 5/13 at the centre, 1/13 around it.
# (NumPy: a JAX array at import would start the backend before jax.distributed.initialize.)
_SMOOTH = np.array([[1.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 1.0]], np.float32) / 13.0


class RandomSharpness(RandomImageLayer):
    """In training, per image `x + (1 - 2f) * (smooth(x) - x)` clipped to `value_range`,
    `smooth` the 3x3 kernel above (zero padding) and `f` drawn from `factor` (a number f
    in [0, 1] means [0, f]): f = 0.5 leaves the image, lower blurs, higher sharpens.

    Args:
        factor: required. value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomSharpness")
        self.value_range = sorted_value_range(value_range, "RandomSharpness")

    def _augment(self, images, key):
        f = jax.random.uniform(key, (images.shape[0], 1, 1, 1), images.dtype, *self.factor)
        channels = images.shape[-1]
        kernel = jnp.tile(_SMOOTH.astype(images.dtype)[:, :, None, None], (1, 1, 1, channels))
        smoothed = jax.lax.conv_general_dilated(
            images, kernel, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"),
            feature_group_count=channels)
        return jnp.clip(images + (1.0 - 2 * f) * (smoothed - images), *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
