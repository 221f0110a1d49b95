"""RandomPerspective: move each image's corners by random amounts and warp to match."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer, check_choice
from lamina.ops.image import perspective_transform


class RandomPerspective(RandomImageLayer):
    """In training, warp each image with probability p (p drawn from `factor`, a number
    f in [0, 1] meaning [0, f]): corner (x, y) moves to (x (1 + d_x), y (1 + d_y)), with
    d drawn from [-scale / 2, scale / 2] per corner and axis; uncovered pixels take
    `fill_value`.

    Args:
        factor: 1.0. scale: 1.0 (in [0, 1]). interpolation: "bilinear" or "nearest".
        fill_value: 0.0. seed: None. data_format: None.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = unit_factor(factor, "RandomPerspective")
        if not 0.0 <= scale <= 1.0:
            raise ValueError(f"RandomPerspective: the `scale` argument should be a number in "
                             f"the range [0, 1]. Received: scale={scale}")
        self.scale = scale
        self.interpolation = check_choice("RandomPerspective", "interpolation", interpolation,
                                          ("nearest", "bilinear"))
        self.fill_value = fill_value

    def _augment(self, images, key):
        key_p, key_apply, key_shift = jax.random.split(key, 3)
        batch, height, width = images.shape[:3]
        probability = jax.random.uniform(key_p, (batch,), minval=self.factor[0],
                                         maxval=self.factor[1])
        apply = jax.random.uniform(key_apply, (batch,)) < probability
        shift = jax.random.uniform(key_shift, (batch, 4, 2), images.dtype,
                                   -0.5 * self.scale, 0.5 * self.scale)
        corners = jnp.asarray([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                               [width - 1, height - 1]], images.dtype)
        start = jnp.broadcast_to(corners, (batch, 4, 2))
        warped = perspective_transform(images, start, start + start * shift,
                                       interpolation=self.interpolation,
                                       fill_value=self.fill_value, data_format="channels_last")
        return jnp.where(apply[:, None, None, None], warped, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}
