"""`ops.image.rgb_to_hsv` / `hsv_to_rgb`: colour space conversion of float images.

All HSV components lie in [0, 1] for RGB in [0, 1]; hue 0 is red, 1/3 green, 2/3 blue.
"""

import jax.numpy as jnp

from lamina.ops._image_layout import require_channels, require_float, to_channels_last
from lamina.ops.dispatch import op


@op
def rgb_to_hsv(images, data_format=None):
    """RGB -> HSV for float images (h, w, 3) or (batch, h, w, 3) (channels first too)."""
    images, undo = to_channels_last(images, data_format, "rgb_to_hsv")
    require_float(images, "rgb_to_hsv")
    require_channels(images, 3, "rgb_to_hsv")
    # Values within one machine epsilon of 0 count as 0 (so -0.0 and denormals give hue 0).
    images = jnp.where(jnp.abs(images) < jnp.finfo(images.dtype).eps, 0.0, images)
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    value = jnp.maximum(jnp.maximum(r, g), b)
    chroma = value - jnp.minimum(jnp.minimum(r, g), b)
    saturation = jnp.where(value > 0, chroma / jnp.where(value > 0, value, 1.0), 0.0)
    scale = 1.0 / (6.0 * jnp.where(chroma > 0, chroma, 1.0))
    # Which channel holds the maximum picks the hue sector; red wins ties, then green.
    hue = jnp.where(value == r, scale * (g - b),
                    jnp.where(value == g, scale * (b - r) + 1.0 / 3.0,
                              scale * (r - g) + 2.0 / 3.0))
    hue = jnp.where(chroma > 0, hue, 0.0) + (hue < 0).astype(hue.dtype)
    return undo(jnp.stack([hue, saturation, value], axis=-1))


@op
def hsv_to_rgb(images, data_format=None):
    """HSV -> RGB for float images (h, w, 3) or (batch, h, w, 3); hue wraps modulo 1."""
    images, undo = to_channels_last(images, data_format, "hsv_to_rgb")
    require_float(images, "hsv_to_rgb")
    require_channels(images, 3, "hsv_to_rgb")
    hue, saturation, value = images[..., 0], images[..., 1], images[..., 2]
    sector = jnp.mod(hue, 1.0) * 6.0
    weights = (jnp.clip(jnp.abs(sector - 3.0) - 1.0, 0.0, 1.0),
               jnp.clip(2.0 - jnp.abs(sector - 2.0), 0.0, 1.0),
               jnp.clip(2.0 - jnp.abs(sector - 4.0), 0.0, 1.0))
    rgb = [value * (1.0 - saturation + saturation * w) for w in weights]
    return undo(jnp.stack(rgb, axis=-1))
