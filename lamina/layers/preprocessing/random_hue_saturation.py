"""RandomHue and RandomSaturation: per-image changes of the HSV hue and saturation."""

import jax
import jax.numpy as jnp

from lamina.backend.config import epsilon
from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.ops._image_color import hsv_to_rgb, rgb_to_hsv


def _with_channel(hsv, index, plane):
    """`hsv` (channels_last) with channel `index` replaced by `plane`."""
    return hsv.at[..., index].set(plane)


class RandomHue(RandomImageLayer):
    """In training, shift each image's hue by +-u / 2 of a turn, u drawn from `factor`
    (a number f in [0, 1] means [0, f]) and the sign by a coin flip; the result is
    clipped to `value_range`.

    Args:
        factor: required. value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomHue")
        self.value_range = sorted_value_range(value_range, "RandomHue")

    def _shifts(self, key, batch, dtype):
        key_sign, key_size = jax.random.split(key)
        sign = jnp.where(jax.random.uniform(key_sign, (batch,)) > 0.5, -1.0, 1.0)
        size = jax.random.uniform(key_size, (batch,), dtype, *self.factor)
        return (sign * size * 0.5).astype(dtype)

    def _augment(self, images, key):
        low, high = self.value_range
        shift = self._shifts(key, images.shape[0], images.dtype)[:, None, None]
        hsv = rgb_to_hsv((images - low) / (high - low), data_format="channels_last")
        hue = hsv[..., 0] + shift
        hue = jnp.where(hue > 1.0, hue - 1.0, jnp.where(hue < 0.0, hue + 1.0, hue))
        rgb = hsv_to_rgb(_with_channel(hsv, 0, hue), data_format="channels_last")
        return jnp.clip(rgb, 0.0, 1.0) * (high - low) + low

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomSaturation(RandomImageLayer):
    """In training, scale each image's HSV saturation by u / (1 - u), u drawn from
    `factor` in [0, 1] (a number f means [0, f]): 0.5 keeps the image, 0 makes it grey,
    1 fully saturates it. The saturation is clipped to [0, 1] (Keras 3.15 clips it to
    `value_range` instead, which with (0, 255) can turn pixels negative).

    Args:
        factor: required. value_range: (0, 255). data_format: None. seed: None.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomSaturation")
        self.value_range = sorted_value_range(value_range, "RandomSaturation")

    def _augment(self, images, key):
        u = jax.random.uniform(key, (images.shape[0], 1, 1), images.dtype, *self.factor)
        scale = u / (1.0 - u + epsilon())
        # Hue and saturation do not depend on the value scale, so no rescaling is needed.
        hsv = rgb_to_hsv(images, data_format="channels_last")
        saturation = jnp.clip(hsv[..., 1] * scale, 0.0, 1.0)
        return hsv_to_rgb(_with_channel(hsv, 1, saturation), data_format="channels_last")

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
