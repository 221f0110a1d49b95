"""RandomRotation, RandomTranslation, RandomZoom: random affine warps of each image.

Each layer draws per-image parameters and builds, per image, the projective transform
[a0, a1, a2, b0, b1, b2, 0, 0] that `ops.image.affine_transform` takes: output pixel
(x, y) samples the input at (a0 x + a1 y + a2, b0 x + b1 y + b2). Points that fall
outside the image follow `fill_mode`: "reflect" (default), "wrap", "constant" (with
`fill_value`) or "nearest"; `interpolation` is "bilinear" (default) or "nearest".
"""

import math

import jax
import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import (RandomImageLayer, check_choice,
                                                     factor_range, listed)
from lamina.ops.image import affine_transform

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


class _RandomAffine(RandomImageLayer):
    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
        self.fill_value = float(fill_value)

    def _augment(self, images, key):
        batch, height, width = images.shape[:3]
        transform = self._transforms(key, batch, height, width)
        return affine_transform(images, transform, interpolation=self.interpolation,
                                fill_mode=self.fill_mode, fill_value=self.fill_value,
                                data_format="channels_last")

    def _transforms(self, key, batch, height, width):
        """(batch, 8) transforms for images of `height` x `width`."""
        raise TypeError(f"{type(self).__name__} does not define _transforms().")

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


def _stack(*columns):
    return jnp.stack(list(columns) + [jnp.zeros_like(columns[0])] * 2, axis=1)


class RandomRotation(_RandomAffine):
    """Rotate each image about its centre by a random angle.

    factor: a fraction of a full turn: f in [-1, 1] draws from [-f * 2pi, f * 2pi]; a
    pair (lower, upper) from [lower * 2pi, upper * 2pi]. Positive angles turn the image
    counter-clockwise.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self._lower, self._upper = factor_range(factor, "factor")
        self.factor = factor

    def _transforms(self, key, batch, height, width):
        angle = jax.random.uniform(key, (batch,), minval=self._lower * 2 * math.pi,
                                   maxval=self._upper * 2 * math.pi)
        cos, sin = jnp.cos(angle), jnp.sin(angle)
        cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
        # sample at centre + R(angle) (point - centre)
        return _stack(cos, -sin, cx - cx * cos + cy * sin,
                      sin, cos, cy - cx * sin - cy * cos)

    def get_config(self):
        return {**super().get_config(), "factor": listed(self.factor)}


class RandomTranslation(_RandomAffine):
    """Shift each image by a random fraction of its height and width.

    height_factor / width_factor: f in [-1, 1] draws shifts from [-f, f] times the
    size; a pair (lower, upper) from [lower, upper] times it. Positive values move the
    content down / right.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self._height = factor_range(height_factor, "height_factor")
        self._width = factor_range(width_factor, "width_factor")
        self.height_factor, self.width_factor = height_factor, width_factor

    def _transforms(self, key, batch, height, width):
        key_h, key_w = jax.random.split(key)
        dy = jax.random.uniform(key_h, (batch,), minval=self._height[0],
                                maxval=self._height[1]) * height
        dx = jax.random.uniform(key_w, (batch,), minval=self._width[0],
                                maxval=self._width[1]) * width
        one, zero = jnp.ones_like(dx), jnp.zeros_like(dx)
        return _stack(one, zero, -dx, zero, one, -dy)

    def get_config(self):
        return {**super().get_config(), "height_factor": listed(self.height_factor),
                "width_factor": listed(self.width_factor)}


class RandomZoom(_RandomAffine):
    """Zoom each image about its centre by a random amount.

    height_factor: f in (-1, 1] draws a zoom from [1 - f, 1 + f]; a pair (lower, upper)
    from [1 + lower, 1 + upper]. Values above 1 zoom out (the image shrinks), below 1
    zoom in. width_factor: the same for the width; None (default) keeps the aspect
    ratio, using the height's zoom.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self._height = factor_range(height_factor, "height_factor", low_open=True)
        self._width = None if width_factor is None else factor_range(
            width_factor, "width_factor", low_open=True)
        self.height_factor, self.width_factor = height_factor, width_factor

    def _transforms(self, key, batch, height, width):
        key_h, key_w = jax.random.split(key)
        zoom_y = 1.0 + jax.random.uniform(key_h, (batch,), minval=self._height[0],
                                          maxval=self._height[1])
        zoom_x = zoom_y if self._width is None else 1.0 + jax.random.uniform(
            key_w, (batch,), minval=self._width[0], maxval=self._width[1])
        zero = jnp.zeros_like(zoom_x)
        return _stack(zoom_x, zero, (width - 1) / 2.0 * (1.0 - zoom_x),
                      zero, zoom_y, (height - 1) / 2.0 * (1.0 - zoom_y))

    def get_config(self):
        return {**super().get_config(), "height_factor": listed(self.height_factor),
                "width_factor": listed(self.width_factor)}

