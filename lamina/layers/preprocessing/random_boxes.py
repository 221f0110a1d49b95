"""Random axis-aligned boxes as pixel masks, shared by CutMix and RandomErasing."""

import jax
import jax.numpy as jnp


def box_masks(key, height, width, ratio_x, ratio_y, dtype):
    """(masks (batch, height, width, 1) bool, box area / image area (batch,)).

    Box i spans ratio_x[i] * width by ratio_y[i] * height pixels (fractional sizes
    allowed) at a uniformly random position inside the image; pixel (y, x) is in it
    when x0 <= x < x1 and y0 <= y < y1.
    """
    key_x, key_y = jax.random.split(key)

    def bounds(k, length, ratio):
        size = (ratio * length).astype(dtype)
        start = jax.random.uniform(k, ratio.shape, dtype) * (length - size)
        return start[:, None, None, None], (start + size)[:, None, None, None]

    x0, x1 = bounds(key_x, width, ratio_x)
    y0, y1 = bounds(key_y, height, ratio_y)
    ys = jnp.arange(height, dtype=dtype)[None, :, None, None]
    xs = jnp.arange(width, dtype=dtype)[None, None, :, None]
    masks = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
    area = ((x1 - x0) * (y1 - y0)).reshape(-1) / (width * height)
    return masks, area
