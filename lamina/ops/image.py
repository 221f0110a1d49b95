"""`keras.ops.image`: resizing, cropping, padding, affine warps and colour conversion.

Images are (height, width, channels) or (batch, height, width, channels) for
channels_last (the default from `image_data_format()`), channels first otherwise.
"""

import jax
import jax.numpy as jnp
import jax.scipy.ndimage

from lamina.ops import _util
from lamina.ops._util import to_float
from lamina.ops.dispatch import op

_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _to_channels_last(images, data_format):
    """(images as (batch, h, w, c), undo) for 3-D/4-D input in either layout."""
    images = jnp.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"Expected a 3-D image or a 4-D batch of images; got shape "
                         f"{images.shape}.")
    single = images.ndim == 3
    if single:
        images = images[None]
    first = _util.data_format(data_format) == "channels_first"
    if first:
        images = jnp.transpose(images, (0, 2, 3, 1))

    def undo(out):
        if first:
            out = jnp.transpose(out, (0, 3, 1, 2))
        return out[0] if single else out

    return images, undo


def _center_box(height, width, target_h, target_w, shrink):
    """(h, w, top, left) of the centred box with the target aspect ratio that fits
    inside (shrink=True) or around (shrink=False) a height x width image."""
    box_h = int(width * target_h / target_w)
    box_w = int(height * target_w / target_h)
    if shrink:
        box_h, box_w = max(min(height, box_h), 1), max(min(width, box_w), 1)
        return box_h, box_w, (height - box_h) // 2, (width - box_w) // 2
    box_h, box_w = max(height, box_h), max(width, box_w)
    return box_h, box_w, (box_h - height) // 2, (box_w - width) // 2


@op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize images to `size` = (height, width).

    interpolation: "bilinear" (default), "nearest", "bicubic", "lanczos3", "lanczos5".
    crop_to_aspect_ratio centre-crops, pad_to_aspect_ratio centre-pads (with
    `fill_value`) to the target aspect ratio first, so nothing is stretched.
    """
    if interpolation not in _RESIZE_METHODS:
        raise ValueError(f"resize(): interpolation must be one of {_RESIZE_METHODS}; got "
                         f"{interpolation!r}.")
    if fill_mode != "constant":
        raise ValueError(f"resize(): only fill_mode='constant' is supported; got {fill_mode!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize(): crop_to_aspect_ratio and pad_to_aspect_ratio are exclusive.")
    if len(size) != 2:
        raise ValueError(f"resize(): size must be (height, width); got {size!r}.")
    target_h, target_w = int(size[0]), int(size[1])
    images, undo = _to_channels_last(images, data_format)
    height, width = images.shape[1:3]
    if crop_to_aspect_ratio:
        h, w, top, left = _center_box(height, width, target_h, target_w, shrink=True)
        images = images[:, top:top + h, left:left + w]
    elif pad_to_aspect_ratio:
        h, w, top, left = _center_box(height, width, target_h, target_w, shrink=False)
        pad = ((0, 0), (top, top), (0, 0), (0, 0)) if top else (
            (0, 0), (0, 0), (left, left), (0, 0))
        images = jnp.pad(images, pad, constant_values=jnp.asarray(fill_value, images.dtype))
    shape = (images.shape[0], target_h, target_w, images.shape[3])
    return undo(jax.image.resize(images, shape, method=interpolation, antialias=antialias))


@op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample `inputs` at `coordinates` (one array per input axis) with spline `order`
    0 (nearest) or 1 (linear); outside points follow `fill_mode`."""
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"map_coordinates(): fill_mode must be one of {_FILL_MODES}; got "
                         f"{fill_mode!r}.")
    if order not in (0, 1):
        raise ValueError(f"map_coordinates(): only order 0 or 1 is supported; got {order!r}.")
    coordinates = [jnp.asarray(c) for c in coordinates]
    return jax.scipy.ndimage.map_coordinates(jnp.asarray(inputs), coordinates, order,
                                             mode=fill_mode, cval=fill_value)


@op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Warp images by projective transforms [a0, a1, a2, b0, b1, b2, c0, c1] ((8,) or
    (batch, 8)): output (x, y) samples input ((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1."""
    orders = {"nearest": 0, "bilinear": 1}
    if interpolation not in orders:
        raise ValueError(f"affine_transform(): interpolation must be 'nearest' or 'bilinear'; "
                         f"got {interpolation!r}.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"affine_transform(): fill_mode must be one of {_FILL_MODES}; got "
                         f"{fill_mode!r}.")
    images, undo = _to_channels_last(images, data_format)
    transform = to_float(transform)
    if transform.ndim == 1:
        transform = jnp.broadcast_to(transform, (images.shape[0], 8))
    batch, height, width, channels = images.shape
    y, x = jnp.meshgrid(jnp.arange(height, dtype=transform.dtype),
                        jnp.arange(width, dtype=transform.dtype), indexing="ij")
    t = transform[:, :, None, None]
    k = t[:, 6] * x + t[:, 7] * y + 1
    src_x = (t[:, 0] * x + t[:, 1] * y + t[:, 2]) / k
    src_y = (t[:, 3] * x + t[:, 4] * y + t[:, 5]) / k

    def warp(image, sy, sx):
        return jax.vmap(
            lambda plane: jax.scipy.ndimage.map_coordinates(
                plane, [sy, sx], orders[interpolation], mode=fill_mode, cval=fill_value),
            in_axes=-1, out_axes=-1)(image)

    out = jax.vmap(warp)(to_float(images), src_y, src_x)
    return undo(out.astype(to_float(images).dtype))


def _box_args(height, width, target_height, target_width, start_h, start_w, end_h, end_w,
              name):
    """Fill in (top, left, out_height, out_width) from whichever pair is given per axis."""
    def solve(size, start, end, target, axis):
        if start is not None and end is not None and target is not None:
            raise ValueError(f"{name}(): give at most two of the {axis} arguments.")
        if target is None:
            target = size - (start or 0) - (end or 0)
        if start is None:
            start = size - target - (end or 0) if end is not None else 0
        return int(start), int(target)

    top, out_h = solve(height, start_h, end_h, target_height, "height")
    left, out_w = solve(width, start_w, end_w, target_width, "width")
    if out_h <= 0 or out_w <= 0:
        raise ValueError(f"{name}(): the resulting size ({out_h}, {out_w}) is not positive.")
    return top, left, out_h, out_w


@op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crop images to a box given by (top, left) cropping and a target size, or
    by the cropping on both sides."""
    images, undo = _to_channels_last(images, data_format)
    top, left, h, w = _box_args(images.shape[1], images.shape[2], target_height, target_width,
                                top_cropping, left_cropping, bottom_cropping, right_cropping,
                                "crop_images")
    return undo(images[:, top:top + h, left:left + w])


@op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Zero-pad images to a target size, or by the padding given on each side."""
    images, undo = _to_channels_last(images, data_format)
    height, width = images.shape[1:3]

    def amounts(size, before, after, target):
        if target is None:
            return int(before or 0), int(after or 0)
        if before is None and after is None:
            raise ValueError("pad_images(): with a target size give one side's padding too.")
        if before is None:
            return int(target - size - after), int(after)
        return int(before), int(target - size - before)

    pad_h = amounts(height, top_padding, bottom_padding, target_height)
    pad_w = amounts(width, left_padding, right_padding, target_width)
    if min(pad_h + pad_w) < 0:
        raise ValueError("pad_images(): the target size is smaller than the image.")
    return undo(jnp.pad(images, ((0, 0), pad_h, pad_w, (0, 0))))


@op
def rgb_to_grayscale(images, data_format=None):
    """Luma Y = 0.2989 R + 0.587 G + 0.114 B, keeping a channel axis of size 1."""
    images, undo = _to_channels_last(images, data_format)
    dtype = images.dtype
    weights = jnp.asarray([0.2989, 0.5870, 0.1140], to_float(images).dtype)
    gray = jnp.sum(to_float(images) * weights, axis=-1, keepdims=True)
    return undo(gray.astype(dtype))


@op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Patches of `size` (int or (h, w)) as channels: (batch, rows, cols, h * w * c)."""
    images, undo = _to_channels_last(images, data_format)
    size = _util.tuple_of(size, 2, "size")
    strides = size if strides is None else _util.tuple_of(strides, 2, "strides")
    channels = images.shape[-1]
    patches = jax.lax.conv_general_dilated_patches(
        images, size, strides, str(padding).upper(),
        rhs_dilation=_util.tuple_of(dilation_rate, 2, "dilation_rate"),
        dimension_numbers=("NHWC", "OIHW", "NHWC"))
    # The patch features come out channel-major (c, h, w); Keras orders them (h, w, c).
    b, rows, cols, _ = patches.shape
    patches = patches.reshape(b, rows, cols, channels, size[0] * size[1])
    patches = jnp.swapaxes(patches, -1, -2).reshape(b, rows, cols, -1)
    return undo(patches)
