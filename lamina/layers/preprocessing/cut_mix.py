"""CutMix: paste a random box of another image of the batch into each image."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.layers.preprocessing.mix_up import mix_labels
from lamina.layers.preprocessing.random_boxes import box_masks


class CutMix(RandomImageLayer):
    """In training, image i takes a box of image j (j a random permutation of the batch)
    covering about 1 - w of its area, w ~ Beta(a, a) with a drawn once per batch from
    `factor` (a number f in [0, 1] means [0, f]); labels given as {"images", "labels"}
    mix by the box's true share. A single image is returned unchanged.

    Args:
        factor: 1.0. seed: None. data_format: None.
    """

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "CutMix")

    def _augment_labelled(self, images, labels, key):
        batch, height, width = images.shape[:3]
        key_alpha, key_weight, key_box, key_order = jax.random.split(key, 4)
        alpha = jax.random.uniform(key_alpha, (), images.dtype, *self.factor) + 1e-6
        weight = jax.random.beta(key_weight, alpha, alpha, (batch,), images.dtype)
        ratio = jnp.sqrt(1.0 - weight)
        masks, area = box_masks(key_box, height, width, ratio, ratio, images.dtype)
        order = jax.random.permutation(key_order, batch)
        images = jnp.where(masks, jnp.take(images, order, axis=0), images)
        return images, None if labels is None else mix_labels(labels, 1.0 - area, order)

    def _augment(self, images, key):
        return self._augment_labelled(images, None, key)[0]

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
