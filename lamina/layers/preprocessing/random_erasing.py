"""RandomErasing: overwrite a random box of each image."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer
from lamina.layers.preprocessing.random_boxes import box_masks


def _fill_value(fill_value):
    if fill_value is None or (isinstance(fill_value, (int, float))
                              and not isinstance(fill_value, bool)):
        return fill_value
    if isinstance(fill_value, (tuple, list)) and len(fill_value) == 3:
        return list(fill_value)
    raise ValueError(f"RandomErasing: the `fill_value` argument should be a number (or a list "
                     f"of three numbers). Received: fill_value={fill_value}")


class RandomErasing(RandomImageLayer):
    """In training, with probability p per image (p drawn from `factor`, a number f in
    [0, 1] meaning [0, f]) fill a box of sqrt(s_x) x sqrt(s_y) of the width and height
    (s drawn from `scale`) with `fill_value`: a number, one value per channel, or None
    for Gaussian noise times value_range[1]; the fill is clipped to `value_range`.

    Args:
        factor: 1.0. scale: (0.02, 0.33). fill_value: None. value_range: (0, 255).
        seed: None. data_format: None.
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomErasing")
        self.scale = unit_factor(scale, "RandomErasing", "scale")
        self.fill_value = _fill_value(fill_value)
        self.value_range = sorted_value_range(value_range, "RandomErasing")

    def _augment(self, images, key):
        batch, height, width = images.shape[:3]
        key_scale, key_box, key_p, key_apply, key_fill = jax.random.split(key, 5)
        ratio = jnp.sqrt(jax.random.uniform(key_scale, (batch, 2), images.dtype, *self.scale))
        masks, _ = box_masks(key_box, height, width, ratio[:, 0], ratio[:, 1], images.dtype)
        probability = jax.random.uniform(key_p, (batch,), minval=self.factor[0],
                                         maxval=self.factor[1])
        apply = jax.random.uniform(key_apply, (batch,)) < probability
        if self.fill_value is None:
            fill = jax.random.normal(key_fill, images.shape, images.dtype) * self.value_range[1]
        else:
            fill = jnp.broadcast_to(jnp.asarray(self.fill_value, images.dtype), images.shape)
        fill = jnp.clip(fill, *self.value_range)
        return jnp.where(apply[:, None, None, None] & masks, fill, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range}
