"""Equalization: histogram equalization of each colour channel."""

import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import ImageLayer


def _equalize(values, bins):
    """Equalize 0-255 `values` (any shape) with one histogram of `bins` bins over all of
    them; values are left alone when they fill at most one bin."""
    indices = jnp.clip(jnp.trunc(values * (bins - 1) / 255.0).astype(jnp.int32), 0, bins - 1)
    hist = jnp.bincount(indices.reshape(-1), length=bins)
    cdf = jnp.cumsum(hist)
    cdf_min = cdf[jnp.argmax(cdf > 0)]
    denominator = cdf[-1] - cdf_min
    denominator = jnp.where(denominator == 0, 1, denominator)
    lookup = jnp.clip(jnp.round((cdf - cdf_min) * 255 / denominator), 0, 255)
    positions = jnp.clip(values / 255.0 * (bins - 1), 0, bins - 1).astype(jnp.int32)
    return jnp.where(jnp.count_nonzero(hist) <= 1, values, lookup[positions])


class Equalization(ImageLayer):
    """In training (the default when called directly), spread each channel's values evenly
    over `value_range` with a `bins`-bin histogram taken over the whole batch, as Keras 3
    does; with training=False the images pass unchanged.

    Args:
        value_range: (0, 255). bins: 256. data_format: None.
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = sorted_value_range(value_range, "Equalization")

    def call(self, inputs, training=True):
        images, restore = self._as_batch(inputs)
        if not training:
            return restore(images)
        lo, hi = self.value_range
        scaled = (images - lo) * (255.0 / (hi - lo))
        channels = [_equalize(scaled[..., c], self.bins) for c in range(scaled.shape[-1])]
        equalized = jnp.stack(channels, axis=-1) * ((hi - lo) / 255.0) + lo
        return restore(equalized.astype(images.dtype))

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}
