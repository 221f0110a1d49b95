"""`keras.ops` neural-network operations: activations, one-hot, cross-entropies,
normalization, convolution, pooling and attention, over `jax.nn` and `jax.lax`.

Image-like arguments use `data_format` ("channels_last" (default, from
`image_data_format()`) means (batch, *spatial, channels)); kernels are always
(*spatial, in_channels, out_channels) as in Keras.
"""

import math as _pymath

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops import _util
from lamina.ops._conv_grad import conv_channels_last
from lamina.ops._util import to_float, to_float_at_least32
from lamina.ops.dispatch import op

# ---------------------------------------------------------------------------
# Activations (integer inputs become floatx(), except in relu and hard_tanh)
# ---------------------------------------------------------------------------


def _activation(name, fn, doc):
    return _util.make_op(name, lambda x: fn(to_float(x)), doc, __name__)


# relu and hard_tanh keep integer dtypes, like Keras.
relu = _util.make_op("relu", lambda x: jax.nn.relu(jnp.asarray(x)), "max(x, 0).", __name__)
hard_tanh = _util.make_op("hard_tanh", lambda x: jnp.clip(jnp.asarray(x), -1, 1),
                          "clip(x, -1, 1).", __name__)

relu6 = _activation("relu6", jax.nn.relu6, "min(max(x, 0), 6).")
sigmoid = _activation("sigmoid", jax.nn.sigmoid, "1 / (1 + exp(-x)).")
softplus = _activation("softplus", jax.nn.softplus, "log(1 + exp(x)), computed stably.")
softsign = _activation("softsign", jax.nn.soft_sign, "x / (1 + |x|).")
silu = _activation("silu", jax.nn.silu, "x * sigmoid(x). Same as `swish`.")
swish = _activation("swish", jax.nn.silu, "x * sigmoid(x). Same as `silu`.")
log_sigmoid = _activation("log_sigmoid", jax.nn.log_sigmoid, "log(sigmoid(x)), computed stably.")
hard_sigmoid = _activation("hard_sigmoid", jax.nn.hard_sigmoid, "relu6(x + 3) / 6.")
hard_silu = _activation("hard_silu", jax.nn.hard_silu, "x * hard_sigmoid(x). Same as `hard_swish`.")
hard_swish = _activation("hard_swish", jax.nn.hard_silu, "x * hard_sigmoid(x). Same as `hard_silu`.")
selu = _activation("selu", jax.nn.selu, "Scaled ELU with the self-normalizing constants.")
tanh_shrink = _activation("tanh_shrink", lambda x: x - jnp.tanh(x), "x - tanh(x).")
sparse_sigmoid = _activation(
    "sparse_sigmoid", lambda x: jnp.clip((x + 1.0) / 2.0, 0.0, 1.0),
    "0 for x <= -1, 1 for x >= 1, (x + 1) / 2 in between.")
sparse_plus = _activation(
    "sparse_plus",
    lambda x: jnp.where(x <= -1.0, 0.0, jnp.where(x >= 1.0, x, (x + 1.0) ** 2 / 4.0)),
    "0 for x <= -1, x for x >= 1, (x + 1)**2 / 4 in between.")


@op
def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, negative_slope * x otherwise."""
    return jax.nn.leaky_relu(to_float(x), negative_slope)


@op
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return jax.nn.elu(to_float(x), alpha)


@op
def celu(x, alpha=1.0):
    """max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))."""
    return jax.nn.celu(to_float(x), alpha)


@op
def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation unless approximate=False."""
    return jax.nn.gelu(to_float(x), approximate=approximate)


@op
def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2."""
    x = to_float(x)
    return (x + jnp.sqrt(jnp.square(x) + b)) / 2


@op
def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, else 0."""
    x = to_float(x)
    return jnp.where(x > threshold, x - threshold,
                     jnp.where(x < -threshold, x + threshold, jnp.zeros_like(x)))


@op
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = to_float(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


@op
def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


@op
def glu(x, axis=-1):
    """Gated linear unit: a * sigmoid(b) for the two halves a, b of `x` along `axis`."""
    x = to_float(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu(): axis {axis} must have an even size; got shape {x.shape}.")
    a, b = jnp.split(x, 2, axis=axis)
    return a * jax.nn.sigmoid(b)


@op
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of axes)."""
    return jax.nn.softmax(to_float(x), axis=_util.axis_arg(axis))


@op
def log_softmax(x, axis=-1):
    """log(softmax(x)) along `axis`, computed stably."""
    return jax.nn.log_softmax(to_float(x), axis=_util.axis_arg(axis))


@op
def sparsemax(x, axis=-1):
    """Euclidean projection of `x` onto the probability simplex along `axis`
    (like softmax, but with exact zeros)."""
    x = jnp.moveaxis(to_float(x), axis, -1)
    z = -jnp.sort(-x, axis=-1)
    k = jnp.arange(1, x.shape[-1] + 1, dtype=x.dtype)
    cumulative = jnp.cumsum(z, axis=-1)
    in_support = 1 + k * z > cumulative
    support = jnp.sum(in_support, axis=-1, keepdims=True)
    tau = (jnp.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support.astype(x.dtype)
    return jnp.moveaxis(jnp.maximum(x - tau, 0), -1, axis)


# ---------------------------------------------------------------------------
# One-hot encodings and cross-entropies
# ---------------------------------------------------------------------------

@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer `x` with a new axis of size `num_classes` at `axis`.

    Out-of-range (e.g. negative) indices give all zeros. dtype defaults to floatx().
    """
    _util.reject_sparse(sparse, "one_hot")
    return jax.nn.one_hot(jnp.asarray(x), num_classes, dtype=standardize_dtype(dtype),
                          axis=axis)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encode integer `inputs`: 1 for every class present in each row.

    (batch, n) gives (batch, num_classes); 1-D input gives (num_classes,).
    """
    _util.reject_sparse(sparse, "multi_hot")
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot() needs `num_classes`.")
    if kwargs:
        raise ValueError(f"multi_hot(): unexpected arguments {sorted(kwargs)}.")
    inputs = jnp.asarray(inputs)
    encoded = one_hot(inputs.astype("int32"), num_classes, axis=axis, dtype=dtype)
    return jnp.max(encoded, axis=1 if inputs.ndim > 1 else 0)


def _same_shape(target, output, name):
    if target.shape != output.shape:
        raise ValueError(f"{name}(): `target` and `output` must have the same shape; got "
                         f"target.shape={target.shape}, output.shape={output.shape}.")


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy (no reduction); `output` holds probabilities,
    or logits when from_logits=True. Probabilities are clipped to [eps, 1 - eps]."""
    target, output = jnp.asarray(target), to_float(output)
    _same_shape(target, output, "binary_crossentropy")
    target = target.astype(output.dtype)
    if from_logits:
        return -(target * jax.nn.log_sigmoid(output)
                 + (1 - target) * jax.nn.log_sigmoid(-output))
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1 - eps)
    return -(target * jnp.log(output) + (1 - target) * jnp.log(1 - output))


def _log_probs(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    return jnp.log(jnp.clip(output, eps, 1 - eps))


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(probabilities)) along `axis`; `target` is one-hot (or soft)
    with the shape of `output`. Output probabilities are renormalized and clipped."""
    target, output = jnp.asarray(target), to_float(output)
    _same_shape(target, output, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy(): `output` must be at least rank 1.")
    return -jnp.sum(target.astype(output.dtype) * _log_probs(output, from_logits, axis),
                    axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class `target` of shape `output.shape` minus `axis`
    (a trailing size-1 axis is also accepted)."""
    target, output = jnp.asarray(target, "int32"), to_float(output)
    if output.ndim < 1:
        raise ValueError("sparse_categorical_crossentropy(): `output` must be at least rank 1.")
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    axis = axis % output.ndim
    expected = output.shape[:axis] + output.shape[axis + 1:]
    if target.shape != expected:
        raise ValueError(
            "sparse_categorical_crossentropy(): `target` must have the shape of `output` "
            f"without its class axis; got target.shape={target.shape}, "
            f"output.shape={output.shape}.")
    log_probs = _log_probs(output, from_logits, axis)
    picked = jnp.take_along_axis(log_probs, jnp.expand_dims(target, axis), axis=axis)
    valid = (target >= 0) & (target < output.shape[axis])
    return jnp.where(valid, -jnp.squeeze(picked, axis), 0.0)


# ---------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------

@op
def moments(x, axes, keepdims=False, synchronized=False):
    """(mean, variance) of `x` over `axes`; float16 inputs are reduced in float32."""
    if synchronized:
        raise ValueError("moments(..., synchronized=True) is not supported by lamina; "
                         "on one process it equals synchronized=False.")
    x = jnp.asarray(x)
    out_dtype = x.dtype if jnp.issubdtype(x.dtype, jnp.inexact) else config.floatx()
    x = to_float_at_least32(x)
    axes = _util.axis_arg(axes)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - jax.lax.stop_gradient(mean)), axis=axes,
                        keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, axes), jnp.squeeze(variance, axes)
    if out_dtype == jnp.float16:
        variance = jnp.minimum(variance, jnp.finfo(jnp.float16).max)
    return mean.astype(out_dtype), variance.astype(out_dtype)


@op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, where the 1-D statistics
    run along `axis` of `x`."""
    x = jnp.asarray(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def along_axis(v):
        v = jnp.asarray(v)
        return jnp.reshape(v, shape) if v.ndim == 1 else v

    inv = jax.lax.rsqrt(along_axis(variance) + epsilon)
    if scale is not None:
        inv = inv * along_axis(scale)
    shift = -along_axis(mean) * inv
    if offset is not None:
        shift = shift + along_axis(offset)
    return (x * inv + shift).astype(x.dtype)


@op
def normalize(x, axis=-1, order=2, epsilon=None):
    """x / max(norm(x, order), epsilon) along `axis` (epsilon defaults to
    `backend.epsilon()`)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize(): `order` must be an int >= 1; got {order!r}.")
    x = to_float(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        inv = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=_util.axis_arg(axis), keepdims=True))
        return x * jnp.minimum(inv, 1.0 / epsilon)
    norm = jnp.linalg.vector_norm(x, ord=order, axis=_util.axis_arg(axis), keepdims=True)
    return x / jnp.maximum(norm, epsilon)


@op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x * rsqrt(mean(x**2) + epsilon) * scale along `axis` (computed in >= float32)."""
    x = jnp.asarray(x)
    dtype = x.dtype
    x = to_float_at_least32(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    if x.ndim == 0:
        x = x[None]
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=_util.axis_arg(axis), keepdims=True) + epsilon)
    if scale is not None:
        out = out * jnp.asarray(scale, x.dtype)
    return out.astype(dtype)


@op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta over `axis` (epsilon defaults to
    `backend.epsilon()`; computed in >= float32).

    The deprecated keyword `rms_scaling=True` gives Keras's legacy x / sqrt(var + epsilon)
    * gamma (no centring, no beta); `rms_normalization` is the real RMS norm.
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise ValueError(f"layer_normalization(): unexpected arguments {sorted(kwargs)}.")
    x = jnp.asarray(x)
    dtype = x.dtype
    x = to_float_at_least32(x)
    epsilon = config.epsilon() if epsilon is None else epsilon
    mean, variance = moments(x, axis, keepdims=True)
    out = (x if rms_scaling else x - mean) * jax.lax.rsqrt(variance + epsilon)
    if gamma is not None:
        out = out * jnp.asarray(gamma, x.dtype)
    if beta is not None and not rms_scaling:
        out = out + jnp.asarray(beta, x.dtype)
    return out.astype(dtype)


# ---------------------------------------------------------------------------
# Convolution and pooling
# ---------------------------------------------------------------------------

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
    in_ch = kernel.shape[-2]
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, in_ch * kernel.shape[-1]))
    return _conv(inputs, kernel, strides, _padding(padding, "depthwise_conv"), nums,
                 dilation, in_ch)


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
    return jax.lax.conv_transpose(inputs.astype(dtype), kernel.astype(dtype), strides, pads,
                                  rhs_dilation=dilation, dimension_numbers=nums,
                                  transpose_kernel=True)


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


# ---------------------------------------------------------------------------
# Attention, CTC, misc
# ---------------------------------------------------------------------------

@op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """softmax(query . key * scale + bias) . value.

    query: (B, T, N, H); key, value: (B, S, K, H) with K dividing N (grouped heads).
    bias and the boolean mask (True = attend) broadcast to (B, N, T, S). scale defaults
    to 1 / sqrt(H). `is_causal` lets position t attend only to s <= t.
    Logits and softmax are computed in float32 at least.
    """
    if flash_attention:
        raise ValueError("dot_product_attention(..., flash_attention=True) is not supported "
                         "by lamina; use flash_attention=None.")
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    batched = query.ndim == 4
    if not batched:
        query, key, value = query[None], key[None], value[None]
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads % kv_heads:
        raise ValueError(f"dot_product_attention(): {heads} query heads are not a multiple "
                         f"of {kv_heads} key/value heads.")
    key = jnp.repeat(key, heads // kv_heads, axis=2)
    value = jnp.repeat(value, heads // kv_heads, axis=2)
    scale = 1.0 / _pymath.sqrt(query.shape[-1]) if scale is None else scale
    logits_dtype = jnp.promote_types(query.dtype, jnp.float32)
    logits = jnp.einsum("btnh,bsnh->bnts", query, key, preferred_element_type=logits_dtype)
    logits = logits * jnp.asarray(scale, logits_dtype)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * jnp.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + jnp.asarray(bias, logits_dtype)
    allowed = None if mask is None else jnp.asarray(mask, bool)
    if is_causal:
        causal = jnp.tril(jnp.ones(logits.shape[-2:], bool))
        allowed = causal if allowed is None else allowed & causal
    if allowed is not None:
        logits = jnp.where(allowed, logits, -0.7 * jnp.finfo(logits_dtype).max)
    probs = jax.nn.softmax(logits.astype(jnp.float32), axis=-1).astype(key.dtype)
    out = jnp.einsum("bnts,bsnh->btnh", probs, value)
    return out if batched else out[0]


def _paddings(lengths, max_length, dtype):
    return (jnp.arange(max_length)[None, :] >= jnp.asarray(lengths)[:, None]).astype(dtype)


@op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss (batch,).

    target: (batch, max_label_length) int labels; output: (batch, max_time, classes)
    logits; the lengths are (batch,); `mask_index` is the blank class.
    """
    import optax

    output = to_float_at_least32(output)
    target = jnp.asarray(target, "int32")
    return optax.ctc_loss(
        output, _paddings(output_length, output.shape[1], output.dtype), target,
        _paddings(target_length, target.shape[1], output.dtype), blank_id=mask_index)


@op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy CTC decoding of (batch, time, classes) scores.

    Returns (decoded, scores): decoded (1, batch, time) int32 labels left-aligned and
    padded with -1; scores (batch, 1), minus the summed best scores. Only
    strategy="greedy" is supported.
    """
    if strategy != "greedy":
        raise ValueError(f"ctc_decode(): strategy={strategy!r} is not supported by lamina; "
                         "use strategy='greedy'.")
    inputs = to_float_at_least32(inputs)
    batch, time, classes = inputs.shape
    blank = classes - 1 if mask_index is None else mask_index
    best = jnp.argmax(inputs, axis=-1).astype("int32")
    beyond = jnp.arange(time)[None, :] >= jnp.asarray(sequence_lengths)[:, None]
    best = jnp.where(beyond, blank, best)
    score = -jnp.sum(jnp.where(beyond, 0.0, jnp.max(inputs, axis=-1)), axis=1, keepdims=True)
    if merge_repeated:
        repeated = jnp.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = jnp.where(repeated, blank, best)
    dropped = best == blank
    # A stable sort on "is dropped" moves the kept labels to the front in order.
    order = jnp.argsort(dropped, axis=-1, stable=True)
    decoded = jnp.take_along_axis(jnp.where(dropped, -1, best), order, axis=-1)
    return decoded[None], score


@op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2))."""
    x1, x2 = to_float(x1), to_float(x2)
    if x1.shape != x2.shape:
        raise ValueError(f"psnr(): shapes {x1.shape} and {x2.shape} must match.")
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(jnp.asarray(max_val, x2.dtype)) - 10 * jnp.log10(mse)


@op
def polar(abs_, angle):
    """The complex numbers abs_ * exp(1j * angle)."""
    abs_, angle = to_float(abs_), to_float(angle)
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))
