"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): histogram equalization per
tile, with clipped histograms, blended bilinearly between neighbouring tiles."""

import jax.numpy as jnp

from lamina.layers.preprocessing.color_args import sorted_value_range
from lamina.layers.preprocessing.image_layer import ImageLayer


def _tile_maps(padded, grid_h, grid_w, clip_limit):
    """(batch, grid_h, grid_w, channels, 256) maps from a 0-255 level to its equalized
    value, one per tile and channel, from the tiles' clipped histograms."""
    batch, height, width, channels = padded.shape
    tile_h, tile_w = height // grid_h, width // grid_w
    tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels)
    tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(batch, grid_h, grid_w, channels, -1)
    levels = jnp.clip(tiles.astype(jnp.int32), 0, 255)
    hist = jnp.sum(levels[..., None] == jnp.arange(256), axis=-2, dtype=jnp.float32)
    area = tile_h * tile_w
    if clip_limit > 0:
        clipped = jnp.minimum(hist, clip_limit * area / 256.0)
        # What the clip removes is spread evenly over all levels.
        hist = clipped + jnp.sum(hist - clipped, axis=-1, keepdims=True) / 256.0
    cdf = jnp.cumsum(hist, axis=-1)
    low = jnp.min(cdf, axis=-1, keepdims=True)
    span = area - low
    return jnp.clip((cdf - low) * 255.0 / jnp.where(span == 0, 1.0, span), 0, 255)


def _tile_coordinates(size, tile):
    """(lower tile, upper tile, weight of the upper) per pixel along one axis, in the
    grid of tile maps extended by one copy of the edge tiles on each side."""
    position = (jnp.arange(size, dtype=jnp.float32) - tile / 2.0) / tile + 1.0
    lower = jnp.floor(position)
    return lower.astype(jnp.int32), lower.astype(jnp.int32) + 1, position - lower


class ContrastLimitedAdaptiveHistogramEqualization(ImageLayer):
    """Equalize each channel's histogram within each of `tile_grid_size` tiles (on the
    0-255 scale of `value_range`), each histogram clipped at `clip_limit` times its mean
    count; each pixel takes the bilinear blend of the four nearest tiles' mappings.
    Images that do not split evenly are mirrored at the bottom and right first.
    Applied in training and inference alike; the output keeps the input dtype.

    Args:
        value_range: (0, 255). clip_limit: 4.0 (0 or less: no clipping).
        tile_grid_size: (8, 8). data_format: None.
    """

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = sorted_value_range(value_range, name)
        self.clip_limit = clip_limit
        if (not isinstance(tile_grid_size, (tuple, list)) or len(tile_grid_size) != 2
                or any(not isinstance(g, int) or g < 1 for g in tile_grid_size)):
            raise ValueError(f"{name}: tile_grid_size must be a pair of positive ints. "
                             f"Received: tile_grid_size={tile_grid_size}")
        self.tile_grid_size = tuple(tile_grid_size)

    def _equalize(self, inputs):
        dtype = jnp.asarray(inputs).dtype
        images, restore = self._as_batch(inputs)
        lo, hi = self.value_range
        scaled = (images.astype(jnp.float32) - lo) * (255.0 / (hi - lo))
        batch, height, width, channels = scaled.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        padded = jnp.pad(scaled, ((0, 0), (0, tile_h * grid_h - height),
                                  (0, tile_w * grid_w - width), (0, 0)), mode="symmetric")
        maps = _tile_maps(padded, grid_h, grid_w, self.clip_limit)
        maps = jnp.pad(maps, ((0, 0), (1, 1), (1, 1), (0, 0), (0, 0)), mode="edge")
        y0, y1, wy = _tile_coordinates(tile_h * grid_h, tile_h)
        x0, x1, wx = _tile_coordinates(tile_w * grid_w, tile_w)
        y0, y1 = jnp.clip(y0, 0, grid_h + 1), jnp.clip(y1, 0, grid_h + 1)
        x0, x1 = jnp.clip(x0, 0, grid_w + 1), jnp.clip(x1, 0, grid_w + 1)
        levels = jnp.clip(padded, 0, 255).astype(jnp.int32)
        b = jnp.arange(batch)[:, None, None, None]
        c = jnp.arange(channels)[None, None, None, :]

        def look_up(ty, tx):
            return maps[b, ty[None, :, None, None], tx[None, None, :, None], c, levels]

        wy, wx = wy[None, :, None, None], wx[None, None, :, None]
        top = look_up(y0, x0) * (1 - wx) + look_up(y0, x1) * wx
        bottom = look_up(y1, x0) * (1 - wx) + look_up(y1, x1) * wx
        result = (top * (1 - wy) + bottom * wy)[:, :height, :width]
        return restore((result * ((hi - lo) / 255.0) + lo).astype(dtype))

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict):
            return self._equalize(inputs)
        name = type(self).__name__
        if "images" not in inputs or set(inputs) - {"images", "labels"}:
            raise ValueError(f"{name}: a dict input may only have the keys 'images' and "
                             f"'labels' (bounding boxes and masks are not supported); got "
                             f"keys {sorted(inputs)}.")
        return {**inputs, "images": self._equalize(inputs["images"])}

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "clip_limit": self.clip_limit, "tile_grid_size": self.tile_grid_size}
