"""`keras.ops.image`: resizing, cropping, padding, warps, patches, colour conversion and
filters (the last two in `_image_color` / `_image_filters`).

Images are (height, width, channels) or (batch, height, width, channels) for
channels_last (the default from `image_data_format()`), channels first otherwise.
"""

import jax
import jax.numpy as jnp
import jax.scipy.ndimage

from lamina.ops import _util
from lamina.ops._image_color import hsv_to_rgb, rgb_to_hsv  # noqa: F401 (re-exported)
from lamina.ops._image_filters import gaussian_blur, sobel_edges, ssim  # noqa: F401 (re-exported)
from lamina.ops._image_layout import to_channels_last as _to_channels_last
from lamina.ops._util import to_float
from lamina.ops.dispatch import op

_RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


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


def _warp_order(name, interpolation, fill_mode):
    """The spline order of `interpolation` ("nearest" 0, "bilinear" 1), after checking it
    and `fill_mode`."""
    orders = {"nearest": 0, "bilinear": 1}
    if interpolation not in orders:
        raise ValueError(f"{name}(): interpolation must be 'nearest' or 'bilinear'; got "
                         f"{interpolation!r}.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"{name}(): fill_mode must be one of {_FILL_MODES}; got "
                         f"{fill_mode!r}.")
    return orders[interpolation]


def _sample(image, src_y, src_x, order, fill_mode, fill_value):
    """One (h, w, c) image sampled channel by channel at the (h', w') points
    (src_y, src_x)."""
    return jax.vmap(
        lambda plane: jax.scipy.ndimage.map_coordinates(
            plane, [src_y, src_x], order, mode=fill_mode, cval=fill_value),
        in_axes=-1, out_axes=-1)(image)


@op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Warp images by projective transforms [a0, a1, a2, b0, b1, b2, c0, c1] ((8,) or
    (batch, 8)): output (x, y) samples input ((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1."""
    order = _warp_order("affine_transform", interpolation, fill_mode)
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
        return _sample(image, sy, sx, order, fill_mode, fill_value)

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


@op
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Patches of `size` (int or (d, h, w)) from volumes (d, h, w, c) or
    (batch, d, h, w, c) (channels first too), as channels ordered (d, h, w, c):
    (batch, depths, rows, cols, d * h * w * c). strides default to `size`."""
    volumes = jnp.asarray(volumes)
    if volumes.ndim not in (4, 5):
        raise ValueError(f"extract_patches_3d(): expected a 4-D volume or a 5-D batch of "
                         f"volumes; got shape {volumes.shape}.")
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"extract_patches_3d(): padding must be 'valid' or 'same'; got "
                         f"{padding!r}.")
    size = _util.tuple_of(size, 3, "size")
    strides = size if strides is None else _util.tuple_of(strides, 3, "strides")
    single = volumes.ndim == 4
    if single:
        volumes = volumes[None]
    first = _util.data_format(data_format) == "channels_first"
    if first:
        volumes = jnp.moveaxis(volumes, 1, -1)
    channels = volumes.shape[-1]
    patches = jax.lax.conv_general_dilated_patches(
        volumes, size, strides, str(padding).upper(),
        rhs_dilation=_util.tuple_of(dilation_rate, 3, "dilation_rate"),
        dimension_numbers=("NDHWC", "OIDHW", "NDHWC"))
    # Features come out channel-major (c, d, h, w); Keras orders them (d, h, w, c).
    lead = patches.shape[:-1]
    patches = patches.reshape(lead + (channels, size[0] * size[1] * size[2]))
    patches = jnp.swapaxes(patches, -1, -2).reshape(lead + (-1,))
    if first:
        patches = jnp.moveaxis(patches, -1, 1)
    return patches[0] if single else patches


def _homographies(start_points, end_points):
    """(batch, 8) projective transforms mapping each output corner (end point) to its
    input corner (start point), from the 8 x 8 linear system of the 4 correspondences."""
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = jnp.zeros_like(ex), jnp.ones_like(ex)
    rows_x = jnp.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    rows_y = jnp.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    system = jnp.concatenate([rows_x, rows_y], axis=1)
    target = jnp.concatenate([sx, sy], axis=-1)[..., None]
    return jnp.linalg.solve(system, target)[..., 0]


def _corner_points(points, label):
    points = jnp.asarray(points, jnp.float32)
    if points.ndim not in (2, 3) or points.shape[-2:] != (4, 2):
        raise ValueError(f"perspective_transform(): {label} must have shape (4, 2) or "
                         f"(batch, 4, 2); got {points.shape}.")
    return points if points.ndim == 3 else points[None]


@op
def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warp images so that the four `start_points` (x, y) land on `end_points`
    ((4, 2) or (batch, 4, 2)); outside points take `fill_value`. interpolation:
    "bilinear" (default) or "nearest"."""
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"perspective_transform(): interpolation must be 'nearest' or "
                         f"'bilinear'; got {interpolation!r}.")
    if jnp.ndim(images) not in (3, 4):
        raise ValueError(f"perspective_transform(): expected a 3-D image or a 4-D batch of "
                         f"images; got shape {jnp.shape(images)}.")
    start = _corner_points(start_points, "start_points")
    end = _corner_points(end_points, "end_points")
    if jnp.shape(start_points) != jnp.shape(end_points):
        raise ValueError(f"perspective_transform(): start_points and end_points must have "
                         f"the same shape; got {jnp.shape(start_points)} and "
                         f"{jnp.shape(end_points)}.")
    transforms = _homographies(start, end)
    # One pair of corner sets serves every image of a batch.
    transforms = transforms[0] if transforms.shape[0] == 1 else transforms
    return affine_transform(images, transforms, interpolation=interpolation,
                            fill_mode="constant", fill_value=fill_value,
                            data_format=data_format)


@op
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Displace every pixel by `alpha` times Gaussian noise (std `sigma`) smoothed by a
    Gaussian blur of std `sigma` (kernel int(6 sigma) | 1), then resample.

    As in Keras's JAX backend one noise field (from `seed`: an int, a SeedGenerator, a
    key, or None for the global generator) moves both x and y.
    """
    order = _warp_order("elastic_transform", interpolation, fill_mode)
    images, undo = _to_channels_last(images, data_format, "elastic_transform")
    if isinstance(seed, int) and not isinstance(seed, bool):
        # Keras turns an int seed into the key data [seed, 0]; do the same so that equal
        # seeds give equal fields.
        seed = jnp.asarray([seed & 0xFFFFFFFF, 0], jnp.uint32)
    from lamina.random.seed_generator import draw_key  # seeds may be SeedGenerators (Keras)

    warped = _elastic_warp(images, draw_key(seed), alpha, sigma, int(6 * float(sigma)) | 1,
                          order, fill_mode, fill_value)
    return undo(warped.astype(images.dtype))


def _elastic_warp(images, key, alpha, sigma, kernel_size, order, fill_mode, fill_value):
    """The elastic warp of a channels_last batch; `sigma` and `alpha` may be traced,
    `kernel_size` (the blur's width) is static."""
    batch, height, width, _ = images.shape
    dtype = to_float(images).dtype
    noise = jax.random.normal(key, (batch, height, width, 1), dtype) * sigma
    shift = alpha * gaussian_blur(noise, (kernel_size, kernel_size), (sigma, sigma),
                                  data_format="channels_last")[..., 0]
    y, x = jnp.meshgrid(jnp.arange(height, dtype=dtype), jnp.arange(width, dtype=dtype),
                        indexing="ij")

    def warp(image, offset):
        return _sample(image, y + offset, x + offset, order, fill_mode, fill_value)

    return jax.vmap(warp)(images, shift)


_SCALE_METHODS = ("linear", "bilinear", "trilinear", "cubic", "bicubic", "tricubic",
                  "lanczos3", "lanczos5")


@op
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Resample `images` to `output_shape`: input point x of each axis in `spatial_dims`
    lands at x * scale + translation. method: one of "linear", "bilinear", "trilinear",
    "cubic", "bicubic", "tricubic", "lanczos3", "lanczos5"."""
    if method not in _SCALE_METHODS:
        raise ValueError(f"scale_and_translate(): method must be one of {_SCALE_METHODS}; "
                         f"got {method!r}.")
    return jax.image.scale_and_translate(
        jnp.asarray(images), tuple(int(d) for d in output_shape), tuple(spatial_dims),
        jnp.asarray(scale), jnp.asarray(translation), method, antialias)
