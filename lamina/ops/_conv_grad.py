"""Channels-last convolutions whose gradients are written as plain convolutions.

On XLA:CPU, the filter gradient that JAX derives for `lax.conv_general_dilated` keeps a
slow memory layout when the training step runs inside `lax.scan` (5-15x slower loops).
`conv_channels_last` computes the same forward pass and, through `jax.custom_vjp`, both
gradients as ordinary (batch, *spatial, channels) x (*spatial, in, out) convolutions
with explicit transposes, which XLA compiles to its fast path. The gradients equal
JAX's own. The filter gradient moves the batch axis innermost; on XLA:CPU that transpose
is fast only on an array already in memory (see `_materialized`).
`conv_transpose_channels_last` is the same construction run backwards: its
forward pass is a convolution's input gradient, its input gradient a plain convolution.
`channel_product` is a 1x1 convolution as a matrix product over the channels, with
the same care for its kernel gradient. (A `custom_vjp` function supports reverse mode
only, not `jax.jvp`.)
"""

import functools

import jax
import jax.numpy as jnp
from jax import lax


def _numbers(nd):
    spatial = "DHW"[-nd:]
    return "N" + spatial + "C", spatial + "IO", "N" + spatial + "C"


def _plain(x, w, strides, pads, dilation):
    return lax.conv_general_dilated(x, w, strides, pads, rhs_dilation=dilation,
                                    dimension_numbers=_numbers(x.ndim - 2))


def _input_grad(g, w, spatial_in, strides, pads, dilation):
    """d/dx of `_plain(x, w, ...)` for an x of spatial size `spatial_in`: the output
    gradient `g`, stride-dilated, correlated with the flipped kernel."""
    nd = g.ndim - 2
    dilated = [(k - 1) * d + 1 for k, d in zip(w.shape[:nd], dilation)]
    lhs_pads = []
    for n, o, kd, s, (lo, _) in zip(spatial_in, g.shape[1:-1], dilated, strides, pads):
        before = kd - 1 - lo
        lhs_pads.append((before, n + kd - 2 - (o - 1) * s - before))
    flipped = jnp.swapaxes(jnp.flip(w, tuple(range(nd))), -1, -2)
    return lax.conv_general_dilated(g, flipped, (1,) * nd, lhs_pads, lhs_dilation=strides,
                                    rhs_dilation=dilation, dimension_numbers=_numbers(nd))


def _materialized(a, move):
    """`move(a)` (a transpose) computed from `a` held in memory.

    XLA:CPU fuses the elementwise ops that produce `a` (a BatchNorm + relu recomputed in
    the backward pass, a BatchNorm's input gradient) into the transpose and then reads
    them in transposed order: 15-30 ms instead of 2 ms for a (64, 32, 32, 32) array. A
    `lax.cond` whose two branches are the same transpose is a fusion boundary, so `a`
    is computed once, in order, and the transpose gets XLA's fast tiled copy. The
    predicate (one element's NaN test) only chooses between identical branches. Other
    platforms transpose directly (a conditional there may wait on the device).
    """
    def on_cpu(a):
        return jax.lax.cond(jnp.isnan(a.reshape(-1)[0]), move, move, a)

    return jax.lax.platform_dependent(a, cpu=on_cpu, default=move)


def _kernel_grad(x, g, kernel, strides, pads, dilation):
    """d/dw of `_plain(x, w, ...)` for a w of spatial size `kernel`, given the output
    gradient `g`. Channels become the batch and the batch becomes the contracted
    channels, so this too is a plain channels-last convolution."""
    nd = x.ndim - 2
    rhs_pads = []
    for n, o, k, s, d, (lo, _) in zip(x.shape[1:-1], g.shape[1:-1], kernel, strides,
                                      dilation, pads):
        rhs_pads.append((lo, (k - 1) * d + (o - 1) * s + 1 - n - lo))
    x_t = _materialized(x, lambda a: jnp.moveaxis(a, (0, nd + 1), (nd + 1, 0)))  # (C, *sp, N)
    g_t = _materialized(g, lambda a: jnp.moveaxis(a, 0, nd))  # (*spatial_out, N, O)
    dw = lax.conv_general_dilated(x_t, g_t, dilation, rhs_pads, rhs_dilation=strides,
                                  dimension_numbers=_numbers(nd))  # (C, *kernel, O)
    return jnp.moveaxis(dw, 0, nd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4))
def _conv(x, w, strides, pads, dilation):
    return _plain(x, w, strides, pads, dilation)


def _conv_fwd(x, w, strides, pads, dilation):
    return _plain(x, w, strides, pads, dilation), (x, w)


def _conv_bwd(strides, pads, dilation, residuals, g):
    x, w = residuals
    nd = x.ndim - 2
    dx = _input_grad(g, w, x.shape[1:-1], strides, pads, dilation)
    dw = _kernel_grad(x, g, w.shape[:nd], strides, pads, dilation)
    return dx.astype(x.dtype), dw.astype(w.dtype)


_conv.defvjp(_conv_fwd, _conv_bwd)


def conv_channels_last(x, w, strides, padding, dilation):
    """`lax.conv_general_dilated` for (N, *spatial, C) x (*spatial, C, O), groups of 1.

    padding: "VALID", "SAME" or explicit (lo, hi) pairs.
    """
    if isinstance(padding, str):
        dilated = [(k - 1) * d + 1 for k, d in zip(w.shape[:-2], dilation)]
        padding = lax.padtype_to_pads(x.shape[1:-1], dilated, strides, padding)
    pads = tuple((int(lo), int(hi)) for lo, hi in padding)
    return _conv(x, w, tuple(strides), pads, tuple(dilation))


def _matmul(x, w):
    return lax.dot_general(x, w, (((1,), (0,)), ((), ())))


@jax.custom_vjp
def _channel_product(x, w):
    return _matmul(x, w)


def _channel_product_bwd(residuals, g):
    x, w = residuals
    # The kernel gradient x^T g: XLA:CPU would transpose x or g inside a fusion with their
    # producers (BatchNorm passes); transposing x in memory keeps both fast.
    x_t = _materialized(x, jnp.transpose)
    return _matmul(g, w.T).astype(x.dtype), _matmul(x_t, g).astype(w.dtype)


_channel_product.defvjp(lambda x, w: (_matmul(x, w), (x, w)), _channel_product_bwd)


def channel_product(x, w):
    """x (..., C) times w (C, O) over the last axis: a 1x1 channels-last convolution."""
    out = _channel_product(x.reshape(-1, x.shape[-1]), w)
    return out.reshape(x.shape[:-1] + (w.shape[-1],))


# The transposed convolution y = f^T x of the convolution f(z) = _plain(z, w, ...):
# y is f's input gradient, dy -> dx is f itself, and since <f^T x, dy> = <x, f(dy)>,
# the kernel gradient is f's kernel gradient with input dy and output gradient x.
@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4, 5))
def _conv_t(x, w, out_spatial, strides, pads, dilation):
    return _input_grad(x, w, out_spatial, strides, pads, dilation)


def _conv_t_fwd(x, w, out_spatial, strides, pads, dilation):
    return _input_grad(x, w, out_spatial, strides, pads, dilation), (x, w)


def _conv_t_bwd(out_spatial, strides, pads, dilation, residuals, g):
    x, w = residuals
    dx = _plain(g, w, strides, pads, dilation)
    dw = _kernel_grad(g, x, w.shape[:x.ndim - 2], strides, pads, dilation)
    return dx.astype(x.dtype), dw.astype(w.dtype)


_conv_t.defvjp(_conv_t_fwd, _conv_t_bwd)


def conv_transpose_channels_last(x, w, strides, padding, dilation):
    """`lax.conv_transpose(..., transpose_kernel=True)` for (N, *spatial, C) inputs and
    (*spatial, O, C) kernels.

    padding: explicit (before, after) pairs of the stride-dilated input, as
    `lax.conv_transpose` takes them.
    """
    nd = x.ndim - 2
    pads, out_spatial = [], []
    for n, k, s, d, (before, after) in zip(x.shape[1:-1], w.shape[:nd], strides, dilation,
                                           padding):
        kd = (k - 1) * d + 1
        pads.append((kd - 1 - int(before), kd - 1 - int(after)))
        out_spatial.append((n - 1) * s + int(before) + int(after) - kd + 2)
    return _conv_t(x, w, tuple(out_spatial), tuple(strides), tuple(pads), tuple(dilation))
