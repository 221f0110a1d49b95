"""RandomInvert and RandomGrayscale: per-image colour swaps applied with a probability."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.ops.image import rgb_to_grayscale


def _chosen(key, batch, probability):
    """(batch, 1, 1, 1) booleans, each True with `probability` (an array or float)."""
    return (jax.random.uniform(key, (batch,)) < probability)[:, None, None, None]


class RandomInvert(RandomImageLayer):
    """In training, replace an image by `value_range[1] - image` with probability `p`,
    `p` drawn per image from `factor` (a number f means [0, f]; values in [0, 1]).

    Args:
        factor: 1.0. value_range: (0, 255). seed: None. data_format: None.
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomInvert")
        self.value_range = value_range

    def _augment(self, images, key):
        key_p, key_draw = jax.random.split(key)
        batch = images.shape[0]
        probability = jax.random.uniform(key_p, (batch,), minval=self.factor[0],
                                         maxval=self.factor[1])
        return jnp.where(_chosen(key_draw, batch, probability), self.value_range[1] - images,
                         images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomGrayscale(RandomImageLayer):
    """In training, replace an RGB image by its luma (0.2989 R + 0.587 G + 0.114 B, kept on
    every channel) with probability `factor`.

    Args:
        factor: 0.5, in [0, 1]. data_format: None. seed: None.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        if not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` should be between 0 and 1. Received: "
                             f"factor={factor}")
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor

    def _augment(self, images, key):
        gray = rgb_to_grayscale(images, data_format="channels_last")
        return jnp.where(_chosen(key, images.shape[0], self.factor), gray, images)

    def get_config(self):
        # Keras keeps no seed in this layer's config.
        config = super().get_config()
        config.pop("seed")
        return {**config, "factor": self.factor}
