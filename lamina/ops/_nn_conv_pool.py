"""Convolutions, pooling (fixed and adaptive), unfold/fold and depth/space rearrangement."""

import math as _pymath

import jax
import jax.numpy as jnp
import numpy as np

from lamina.ops import _util
from lamina.ops._conv_grad import conv_channels_last, conv_transpose_channels_last
from lamina.ops._depthwise_taps import MAX_TAPS, depthwise_conv_taps
from lamina.ops._util import to_float
from lamina.ops.dispatch import op


def _dimension_numbers(ndim, fmt):
    spatial = "DHW"[-ndim:] if ndim <= 3 else None
    if spatial is None:
        raise ValueError(f"Only 1, 2 or 3 spatial dimensions are supported; got {ndim}.")
    io = spatial + "IO"
    if fmt == "channels_last":
        return "N" + spatial + "C", io, "N" + spatial + "C"
    return "NC" + spatial, io, "NC" + spatial


def _padding(padding, name):
    value = str(padding).upper()
    if value not in ("VALID", "SAME"):
        raise ValueError(f"{name}(): padding must be 'valid' or 'same'; got {padding!r}.")
    return value


def _conv_setup(inputs, strides, dilation_rate, data_format, name):
    inputs = jnp.asarray(inputs)
    nd = inputs.ndim - 2
    fmt = _util.data_format(data_format)
    return (inputs, nd, fmt, _util.tuple_of(strides, nd, "strides"),
            _util.tuple_of(dilation_rate, nd, "dilation_rate"), _dimension_numbers(nd, fmt))


def _channels(x, fmt):
    return x.shape[-1] if fmt == "channels_last" else x.shape[1]


def _conv(inputs, kernel, strides, padding, fmt_nums, dilation, groups):
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    dtype = jnp.result_type(inputs, kernel)
    inputs, kernel = inputs.astype(dtype), kernel.astype(dtype)
    if groups == 1 and fmt_nums[0].endswith("C"):
        # Same result; gradients that stay fast inside lax.scan (see _conv_grad).
        return conv_channels_last(inputs, kernel, strides, padding, dilation)
    return jax.lax.conv_general_dilated(
        inputs, kernel, strides, padding, rhs_dilation=dilation, dimension_numbers=fmt_nums,
        feature_group_count=groups)


@op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (N = 1, 2, 3).

    inputs: (batch, *spatial, in_channels) for channels_last; kernel:
    (*spatial, in_channels // groups, out_channels). padding: "valid" or "same".
    """
    inputs, nd, fmt, strides, dilation, nums = _conv_setup(
        inputs, strides, dilation_rate, data_format, "conv")
    kernel = jnp.asarray(kernel)
    in_ch, k_in = _channels(inputs, fmt), kernel.shape[-2]
    if in_ch % k_in:
        raise ValueError(f"conv(): input channels {in_ch} are not a multiple of the kernel's "
                         f"input channels {k_in} (kernel shape {kernel.shape}).")
    return _conv(inputs, kernel, strides, _padding(padding, "conv"), nums, dilation,
                 in_ch // k_in)


@op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise N-D convolution; kernel: (*spatial, in_channels, channel_multiplier).

    Output channels: in_channels * channel_multiplier.
    """
    inputs, nd, fmt, strides, dilation, nums = _conv_setup(
        inputs, strides, dilation_rate, data_format, "depthwise_conv")
    kernel = jnp.asarray(kernel)
    padding = _padding(padding, "depthwise_conv")
    if _pymath.prod(kernel.shape[:-2]) <= MAX_TAPS:
        # Same result as the grouped convolution, far faster on XLA:CPU (see _depthwise_taps).
        dtype = jnp.result_type(inputs, kernel)
        x = inputs.astype(dtype)
        x = x if fmt == "channels_last" else jnp.moveaxis(x, 1, -1)
        out = depthwise_conv_taps(x, kernel.astype(dtype), strides, padding, dilation)
        return out if fmt == "channels_last" else jnp.moveaxis(out, -1, 1)
    in_ch = kernel.shape[-2]
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, in_ch * kernel.shape[-1]))
    return _conv(inputs, kernel, strides, padding, nums, dilation, in_ch)


@op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """Depthwise convolution followed by a 1x1 `pointwise_kernel`
    (*1s, in_channels * multiplier, out_channels)."""
    depthwise = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format,
                               dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transpose_padding(n, k, s, d, padding, output_padding):
    """(before, after) padding of the stride-dilated input that `conv_transpose` needs.

    Output lengths follow Keras: "valid" gives (n - 1)*s + max(k, s), "same" gives
    n*s; with `output_padding` they are (n - 1)*s + k + output_padding and
    (n - 1)*s + k % 2 + output_padding. "same" centres the padding, the odd unit first.
    """
    k = (k - 1) * d + 1
    if output_padding is None:
        length = (n - 1) * s + max(k, s) if padding == "VALID" else n * s
    else:
        length = (n - 1) * s + (k if padding == "VALID" else k % 2) + output_padding
    total = length + k - 2 - (n - 1) * s
    before = k - 1 if padding == "VALID" else min((total + 1) // 2, k - 1)
    return before, total - before


@op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1):
    """Transposed N-D convolution (the gradient of `conv`).

    kernel: (*spatial, out_channels, in_channels). See `_transpose_padding` for the
    output size.
    """
    inputs, nd, fmt, strides, dilation, nums = _conv_setup(
        inputs, strides, dilation_rate, data_format, "conv_transpose")
    kernel = jnp.asarray(kernel)
    padding = _padding(padding, "conv_transpose")
    out_pad = (None,) * nd if output_padding is None else _util.tuple_of(
        output_padding, nd, "output_padding")
    spatial = inputs.shape[1:-1] if fmt == "channels_last" else inputs.shape[2:]
    pads = [_transpose_padding(spatial[i], kernel.shape[i], strides[i], dilation[i], padding,
                               out_pad[i]) for i in range(nd)]
    dtype = jnp.result_type(inputs, kernel)
    inputs, kernel = inputs.astype(dtype), kernel.astype(dtype)
    if fmt == "channels_last":
        # Same result; gradients that stay fast inside lax.scan (see _conv_grad).
        return conv_transpose_channels_last(inputs, kernel, strides, pads, dilation)
    return jax.lax.conv_transpose(inputs, kernel, strides, pads, rhs_dilation=dilation,
                                  dimension_numbers=nums, transpose_kernel=True)


def _pool_setup(inputs, pool_size, strides, data_format):
    inputs = jnp.asarray(inputs)
    nd = inputs.ndim - 2
    fmt = _util.data_format(data_format)
    pool = _util.tuple_of(pool_size, nd, "pool_size")
    strides = pool if strides is None else _util.tuple_of(strides, nd, "strides")
    if fmt == "channels_last":
        return inputs, (1,) + pool + (1,), (1,) + strides + (1,)
    return inputs, (1, 1) + pool, (1, 1) + strides


@op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max over windows of `pool_size` moved by `strides` (default: pool_size)."""
    inputs, window, strides = _pool_setup(inputs, pool_size, strides, data_format)
    # A constant (NumPy) identity lets JAX recognise max-pooling and differentiate it.
    if jnp.issubdtype(inputs.dtype, jnp.inexact):
        init = np.array(-np.inf, inputs.dtype)
    else:
        init = np.array(np.iinfo(inputs.dtype).min, inputs.dtype)
    return jax.lax.reduce_window(inputs, init, jax.lax.max, window, strides,
                                 _padding(padding, "max_pool"))


@op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over windows; with "same" padding only the real (unpadded) entries count."""
    inputs, window, strides = _pool_setup(inputs, pool_size, strides, data_format)
    inputs = to_float(inputs)
    padding = _padding(padding, "average_pool")
    zero = np.array(0, inputs.dtype)
    total = jax.lax.reduce_window(inputs, zero, jax.lax.add, window, strides, padding)
    if padding == "VALID":
        return total / _pymath.prod(window)
    count = jax.lax.reduce_window(jnp.ones(inputs.shape, inputs.dtype), zero, jax.lax.add,
                                  window, strides, padding)
    return total / count


def _adaptive_bounds(length, out):
    """Start and end of each of `out` adaptive windows over `length` (static, NumPy)."""
    i = np.arange(out)
    return (i * length) // out, -((-(i + 1) * length) // out)


def _adaptive_pool(inputs, output_size, data_format, reduce):
    inputs = to_float(inputs)
    nd = inputs.ndim - 2
    fmt = _util.data_format(data_format)
    sizes = _util.tuple_of(output_size, nd, "output_size")
    first = 1 if fmt == "channels_last" else 2
    for i, out in enumerate(sizes):
        axis = first + i
        start, end = _adaptive_bounds(inputs.shape[axis], out)
        positions = np.arange(inputs.shape[axis])
        member = (positions >= start[:, None]) & (positions < end[:, None])  # (out, len)
        inputs = reduce(jnp.moveaxis(inputs, axis, -1), member)
        inputs = jnp.moveaxis(inputs, -1, axis)
    return inputs


def _window_mean(x, member):
    weights = member / member.sum(axis=1, keepdims=True)
    return jnp.einsum("...l,ol->...o", x, jnp.asarray(weights, x.dtype))


def _window_max(x, member):
    masked = jnp.where(jnp.asarray(member), x[..., None, :], -jnp.inf)
    return jnp.max(masked, axis=-1)


@op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed spatial `output_size` (int or tuple); window i along a
    length-L axis covers [floor(i L / out), ceil((i + 1) L / out))."""
    return _adaptive_pool(inputs, output_size, data_format, _window_mean)


@op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed spatial `output_size` (windows as in adaptive_average_pool)."""
    return _adaptive_pool(inputs, output_size, data_format, _window_max)


def _patches(x, kernel_size, dilation, padding, stride):
    """(N, C, H, W) -> (N, C * kh * kw, oh * ow), channel-major like torch's unfold."""
    kernel = _util.tuple_of(kernel_size, 2, "kernel_size")
    pad = _util.tuple_of(padding, 2, "padding")
    patches = jax.lax.conv_general_dilated_patches(
        x, kernel, _util.tuple_of(stride, 2, "stride"), [(p, p) for p in pad],
        rhs_dilation=_util.tuple_of(dilation, 2, "dilation"),
        dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return patches.reshape(patches.shape[:2] + (-1,))


@op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding patches of a (N, C, H, W) image as columns: (N, C * kh * kw, L)."""
    return _patches(to_float(x), kernel_size, dilation, padding, stride)


@op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The inverse layout of `unfold`: (N, C * kh * kw, L) columns summed back into a
    (N, C, *output_size) image (overlaps add up)."""
    x = to_float(x)
    kh, kw = _util.tuple_of(kernel_size, 2, "kernel_size")
    image = jax.ShapeDtypeStruct(
        (x.shape[0], x.shape[1] // (kh * kw)) + _util.tuple_of(output_size, 2, "output_size"),
        x.dtype)
    # unfold is linear, so fold is its transpose.
    (out,) = jax.linear_transpose(
        lambda im: _patches(im, kernel_size, dilation, padding, stride), image)(x)
    return out


@op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into `block_size` x `block_size` spatial blocks (4-D input)."""
    x = jnp.asarray(x)
    b = int(block_size)
    if _util.data_format(data_format) == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    x = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (b * b), h * b, w * b)


@op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move `block_size` x `block_size` spatial blocks into channels (4-D input)."""
    x = jnp.asarray(x)
    b = int(block_size)
    if _util.data_format(data_format) == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, c * b * b)
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)
