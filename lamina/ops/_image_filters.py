"""`ops.image.gaussian_blur`, `sobel_edges` and `ssim`: per-channel 2-D filters."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.ops import _util
from lamina.ops._image_layout import to_channels_last
from lamina.ops.dispatch import op


def gaussian_1d(size, sigma, dtype):
    """A normalised 1-D Gaussian of `size` taps centred on (size - 1) / 2."""
    x = jnp.arange(size, dtype=dtype) - (size - 1) / 2.0
    taps = jnp.exp(-0.5 * (x / sigma) ** 2)
    return taps / jnp.sum(taps)


def depthwise(images, kernel, padding):
    """Correlate every channel of a (batch, h, w, c) batch with one (kh, kw) kernel."""
    channels = images.shape[-1]
    kernel = jnp.broadcast_to(kernel.astype(images.dtype)[:, :, None, None],
                              kernel.shape + (1, channels))
    return jax.lax.conv_general_dilated(
        images, kernel, (1, 1), padding, dimension_numbers=("NHWC", "HWIO", "NHWC"),
        feature_group_count=channels)


@op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur each channel with a Gaussian kernel ("same" zero padding).

    kernel_size: (3, 3); sigma: (1.0, 1.0). As in Keras's JAX backend, the kernel's
    rows use kernel_size[1] / sigma[1] and its columns kernel_size[0] / sigma[0].
    data_format=None means `image_data_format()` (Keras 3.15's eager JAX path instead
    reads None as channels_first; its symbolic path agrees with this one).
    """
    images, undo = to_channels_last(images, data_format, "gaussian_blur")
    size = _util.tuple_of(kernel_size, 2, "kernel_size")
    if min(size) < 1:
        raise ValueError(f"gaussian_blur(): kernel_size must be positive; got {kernel_size}.")
    sigma = tuple(sigma) if isinstance(sigma, (tuple, list)) else (sigma, sigma)
    if len(sigma) != 2:
        raise ValueError(f"gaussian_blur(): sigma must be a number or a pair; got {sigma}.")
    dtype = _util.to_float(images).dtype
    kernel = jnp.outer(gaussian_1d(size[1], jnp.asarray(sigma[1], dtype), dtype),
                       gaussian_1d(size[0], jnp.asarray(sigma[0], dtype), dtype))
    return undo(depthwise(images.astype(dtype), kernel, "SAME"))


# NumPy, not jnp: a JAX array made at import would start the XLA backend, which must wait
# for jax.distributed.initialize in multi-process programs.
_SOBEL_X = np.asarray([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], np.float32)


@op
def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch (batch, h, w, c) (or (batch, c, h, w)), zero padded:
    output shape input + (2,), the last axis holding [dy, dx]."""
    images = jnp.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"sobel_edges(): expected a 4-D batch of images; got shape "
                         f"{images.shape}.")
    images, undo = to_channels_last(images, data_format, "sobel_edges")
    dtype = _util.to_float(images).dtype
    images = images.astype(dtype)
    dy = depthwise(images, _SOBEL_X.T, "SAME")
    dx = depthwise(images, _SOBEL_X, "SAME")
    return jnp.stack([undo(dy), undo(dx)], axis=-1)


@op
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Structural similarity of two images (or batches), averaged over the valid
    Gaussian windows (`filter_size`, `filter_sigma`) and the channels: a scalar for
    single images, (batch,) for batches, in image1's dtype."""
    for label, image in (("image1", image1), ("image2", image2)):
        if jnp.ndim(image) not in (3, 4):
            raise ValueError(f"ssim(): {label} must be a 3-D image or a 4-D batch; got shape "
                             f"{jnp.shape(image)}.")
    dtype = jnp.result_type(jnp.asarray(image1).dtype, float)
    x, _ = to_channels_last(jnp.asarray(image1).astype(dtype), data_format, "ssim")
    y, _ = to_channels_last(jnp.asarray(image2).astype(dtype), data_format, "ssim")
    if x.shape != y.shape:
        raise ValueError(f"ssim(): image1 and image2 must have the same shape; got "
                         f"{jnp.shape(image1)} and {jnp.shape(image2)}.")
    taps = gaussian_1d(int(filter_size), jnp.asarray(filter_sigma, dtype), dtype)
    kernel = jnp.outer(taps, taps)

    def mean(z):
        return depthwise(z, kernel, "VALID")

    mu_x, mu_y = mean(x), mean(y)
    var_x = mean(x * x) - mu_x * mu_x
    var_y = mean(y * y) - mu_y * mu_y
    cov = mean(x * y) - mu_x * mu_y
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2.0 * mu_x * mu_y + c1) * (2.0 * cov + c2)
                / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2)))
    per_image = jnp.mean(ssim_map, axis=(1, 2, 3))
    single = jnp.ndim(image1) == 3
    return (per_image[0] if single else per_image).astype(jnp.asarray(image1).dtype)
