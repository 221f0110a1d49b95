"""MixUp: blend each image (and its label) with another image of the batch."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import RandomImageLayer


def mix_labels(labels, weight, order):
    """weight * labels + (1 - weight) * labels[order]: labels (batch, classes)."""
    labels = jnp.asarray(labels)
    weight = weight.reshape(-1, 1).astype(jnp.result_type(labels.dtype, weight.dtype))
    return weight * labels + (1.0 - weight) * jnp.take(labels, order, axis=0)


class MixUp(RandomImageLayer):
    """In training, image i becomes w x_i + (1 - w) x_j with j a random permutation of
    the batch and w ~ Beta(alpha, alpha) per image; labels (batch, classes) given as
    {"images", "labels"} mix with the same weights.

    Args:
        alpha: 0.2. data_format: None. seed: None.
    """

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def _draw(self, key, batch, dtype):
        key_order, key_weight = jax.random.split(key)
        order = jax.random.permutation(key_order, batch)
        weight = jax.random.beta(key_weight, self.alpha, self.alpha, (batch,), dtype)
        return order, weight

    def _augment_labelled(self, images, labels, key):
        order, weight = self._draw(key, images.shape[0], images.dtype)
        w = weight[:, None, None, None]
        images = w * images + (1.0 - w) * jnp.take(images, order, axis=0)
        return images, None if labels is None else mix_labels(labels, weight, order)

    def _augment(self, images, key):
        return self._augment_labelled(images, None, key)[0]

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
