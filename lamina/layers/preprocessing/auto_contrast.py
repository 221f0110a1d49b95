"""AutoContrast: stretch each image channel to the full value range."""

import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import ImageLayer


class AutoContrast(ImageLayer):
    """Per image and channel, map the darkest pixel to the low end of `value_range` and
    the brightest to the high end, linearly (a constant channel is left as it is).
    Applied in training and inference alike.

    Args:
        value_range: (0, 255): the range the images' values lie in.
        data_format, name, dtype...: the base layer arguments.
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = sorted_value_range(value_range, "AutoContrast")

    def call(self, inputs, training=True):
        images, restore = self._as_batch(inputs)
        lo, hi = self.value_range
        # Work on 0-255 as Keras does, so rounding matches its results.
        scaled = (images - lo) / (hi - lo) * 255.0
        low = jnp.min(scaled, axis=(1, 2), keepdims=True)
        high = jnp.max(scaled, axis=(1, 2), keepdims=True)
        gain = 255.0 / (high - low)
        stretched = jnp.clip(scaled * gain - low * gain, 0.0, 255.0)
        result = stretched / 255.0 * (hi - lo) + lo
        return restore(jnp.where(jnp.isnan(result), images, result))

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}
