"""RandomCrop: a random height x width window of each image in training."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.layers.preprocessing.resizing import _size, fit_to_size


class RandomCrop(RandomImageLayer):
    """In training, crop each image at its own random offset to (height, width). At
    inference (and in training for an image smaller than the target) take the largest
    centred window of the target aspect ratio and resize it to (height, width), so the
    output shape is the same in both modes."""

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, name=name, **kwargs)
        self.height, self.width = _size("RandomCrop", height, width)

    def _augment(self, images, key):
        batch, h, w, channels = images.shape
        if h < self.height or w < self.width:
            return fit_to_size(images, self.height, self.width)
        key_h, key_w = jax.random.split(key)
        top = jax.random.randint(key_h, (batch,), 0, h - self.height + 1)
        left = jax.random.randint(key_w, (batch,), 0, w - self.width + 1)

        def crop(image, t, l):
            return jax.lax.dynamic_slice(image, (t, l, 0), (self.height, self.width, channels))

        return jax.vmap(crop)(images, top, left)

    def _inference(self, images):
        if images.shape[1:3] == (self.height, self.width):
            return images
        return fit_to_size(images, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
