"""A channels-last convolution whose gradients are written as plain convolutions.

On XLA:CPU, the filter gradient that JAX derives for `lax.conv_general_dilated` keeps a
slow memory layout when the training step runs inside `lax.scan` (5-15x slower loops).
`conv_channels_last` computes the same forward pass and, through `jax.custom_vjp`, both
gradients as ordinary (batch, *spatial, channels) x (*spatial, in, out) convolutions
with explicit transposes, which XLA compiles to its fast path. The gradients equal
JAX's own. (A `custom_vjp` function supports reverse mode only, not `jax.jvp`.)
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


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4))
def _conv(x, w, strides, pads, dilation):
    return _plain(x, w, strides, pads, dilation)


def _conv_fwd(x, w, strides, pads, dilation):
    return _plain(x, w, strides, pads, dilation), (x, w)


def _conv_bwd(strides, pads, dilation, residuals, g):
    x, w = residuals
    nd = x.ndim - 2
    spatial_in, spatial_out, kernel = x.shape[1:-1], g.shape[1:-1], w.shape[:nd]
    dilated = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]

    # d/dx: the output gradient, stride-dilated, correlated with the flipped kernel.
    lhs_pads = []
    for n, o, kd, s, (lo, _) in zip(spatial_in, spatial_out, dilated, strides, pads):
        before = kd - 1 - lo
        lhs_pads.append((before, n + kd - 2 - (o - 1) * s - before))
    flipped = jnp.swapaxes(jnp.flip(w, tuple(range(nd))), -1, -2)
    dx = lax.conv_general_dilated(g, flipped, (1,) * nd, lhs_pads, lhs_dilation=strides,
                                  rhs_dilation=dilation, dimension_numbers=_numbers(nd))

    # d/dw: channels become the batch and the batch becomes the contracted channels, so
    # this too is a plain channels-last convolution.
    rhs_pads = []
    for n, o, k, s, d, (lo, _) in zip(spatial_in, spatial_out, kernel, strides, dilation,
                                      pads):
        rhs_pads.append((lo, (k - 1) * d + (o - 1) * s + 1 - n - lo))
    x_t = jnp.moveaxis(x, (0, nd + 1), (nd + 1, 0))  # (C, *spatial, N)
    g_t = jnp.moveaxis(g, 0, nd)  # (*spatial_out, N, O)
    dw = lax.conv_general_dilated(x_t, g_t, dilation, rhs_pads, rhs_dilation=strides,
                                  dimension_numbers=_numbers(nd))  # (C, *kernel, O)
    return dx.astype(x.dtype), jnp.moveaxis(dw, 0, nd).astype(w.dtype)


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
