"""RandomFlip: flip each image left-right and/or top-bottom with probability 1/2."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import RandomImageLayer

HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL = "horizontal", "vertical", "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """mode: "horizontal" (left-right), "vertical" (top-bottom) or
    "horizontal_and_vertical" (default: a drawn image is flipped both ways, as Keras
    does). Identity when training=False."""

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(f"RandomFlip: mode must be one of {HORIZONTAL!r}, {VERTICAL!r} "
                             f"or {HORIZONTAL_AND_VERTICAL!r}; got {mode!r}.")
        self.mode = mode

    def _augment(self, images, key):
        flip = (jax.random.uniform(key, (images.shape[0],)) <= 0.5)[:, None, None, None]
        out = images
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            out = jnp.where(flip, jnp.flip(out, axis=2), out)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            out = jnp.where(flip, jnp.flip(out, axis=1), out)
        return out

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
