"""RandomElasticTransform: smooth random displacement fields, as in
`ops.image.elastic_transform`, applied to a random share of the images."""

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range, unit_factor
from lamina.layers.preprocessing.image_layer import RandomImageLayer, check_choice
from lamina.layers.preprocessing.random_affine import FILL_MODES, INTERPOLATIONS
from lamina.ops.image import _elastic_warp


class RandomElasticTransform(RandomImageLayer):
    """In training, warp each image with probability p (p drawn from `factor`, a number
    f in [0, 1] meaning [0, f]); one distortion d drawn from `scale` per batch gives
    alpha = 0.1 d max(h, w) and sigma = 0.05 d min(h, w). Results are clipped to
    `value_range`. The blur kernel is sized for the largest sigma `scale` allows (Keras
    sizes it for the drawn sigma, which a compiled step cannot do); with a fixed `scale`
    the two agree.

    Args:
        factor: 1.0. scale: 1.0. interpolation: "bilinear". fill_mode: "reflect".
        fill_value: 0.0. value_range: (0, 255). seed: None. data_format: None.
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = "RandomElasticTransform"
        self.factor = unit_factor(factor, name)
        self.scale = unit_factor(scale, name, "scale")
        self.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.fill_value = fill_value
        self.value_range = sorted_value_range(value_range, name)

    def _augment(self, images, key):
        if self.scale[1] == 0 or self.factor[1] == 0:
            return images
        batch, height, width = images.shape[:3]
        key_p, key_apply, key_scale, key_field = jax.random.split(key, 4)
        probability = jax.random.uniform(key_p, (batch,), minval=self.factor[0],
                                         maxval=self.factor[1])
        apply = jax.random.uniform(key_apply, (batch,)) < probability
        distortion = jax.random.uniform(key_scale, (), images.dtype, *self.scale)
        alpha = max(height, width) * 0.1 * distortion
        sigma = min(height, width) * 0.05 * distortion
        kernel = int(6 * min(height, width) * 0.05 * self.scale[1]) | 1
        order = {"nearest": 0, "bilinear": 1}[self.interpolation]
        warped = _elastic_warp(images, key_field, alpha, sigma, kernel, order, self.fill_mode,
                               self.fill_value)
        out = jnp.where(apply[:, None, None, None], warped, images)
        return jnp.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "value_range": self.value_range}
