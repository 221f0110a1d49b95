"""RandomGaussianBlur: blur a random share of the images with a random sigma."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.ops._image_filters import gaussian_blur


def _odd_sizes(kernel_size):
    """(kh, kw) from an odd int or a pair of odd ints."""
    pair = tuple(kernel_size) if isinstance(kernel_size, (tuple, list)) else (kernel_size,) * 2
    if len(pair) != 2 or any(not isinstance(k, int) or k % 2 == 0 for k in pair):
        raise ValueError(f"RandomGaussianBlur: kernel_size must be an odd number or a pair of "
                         f"odd numbers. Received: kernel_size={kernel_size}")
    return pair


class RandomGaussianBlur(RandomImageLayer):
    """In training, blur each image with probability p (p drawn from `factor`, a number
    f in [0, 1] meaning [0, f]); one (sigma_x, sigma_y) drawn from `sigma` (within
    [0, 1]) serves the whole batch. Results are clipped to `value_range`.

    Args:
        factor: 1.0. kernel_size: 3 (odd, or a pair of odd sizes). sigma: 1.0.
        value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomGaussianBlur")
        self.kernel_size = _odd_sizes(kernel_size)
        self.sigma = unit_factor(sigma, "RandomGaussianBlur", "sigma")
        self.value_range = sorted_value_range(value_range, "RandomGaussianBlur")

    def _augment(self, images, key):
        key_p, key_apply, key_sigma = jax.random.split(key, 3)
        batch = images.shape[0]
        probability = jax.random.uniform(key_p, (batch,), minval=self.factor[0],
                                         maxval=self.factor[1])
        apply = jax.random.uniform(key_apply, (batch,)) < probability
        # A small offset keeps sigma = 0 from dividing by zero.
        sigma = jax.random.uniform(key_sigma, (2,), images.dtype, *self.sigma) + 1e-6
        blurred = gaussian_blur(images, self.kernel_size, (sigma[0], sigma[1]),
                                data_format="channels_last")
        out = jnp.where(apply[:, None, None, None], blurred, images)
        return jnp.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size,
                "sigma": self.sigma, "value_range": self.value_range}
