"""Channels-last convolution with a hand-written backward pass.

Inside a compiled multi-step loop (`lax.fori_loop`/`scan`), XLA:CPU keeps the filter
gradient of `lax.conv_general_dilated`'s own transpose rule in a slow layout. Writing
both gradient convolutions as plain channels-last convolutions over explicitly
transposed operands gives the same numbers with fast layouts.

Shapes: x (N, *spatial, C_in), kernel (*window, C_in, C_out), output (N, *out, C_out).
`padding` is a tuple of (low, high) pairs, one per spatial dim.
"""

from functools import partial

import jax
import jax.numpy as jnp
from jax import lax


def _numbers(nd):
    spatial = "DHW"[-nd:] if nd <= 3 else None
    if spatial is None:
        raise ValueError(f"Convolutions over {nd} spatial dims are not supported.")
    return (f"N{spatial}C", f"{spatial}IO", f"N{spatial}C")


def same_padding(in_sizes, window, strides, dilation):
    """(low, high) pairs of "same" padding (TensorFlow's split: extra on the high side)."""
    pads = []
    for size, k, s, d in zip(in_sizes, window, strides, dilation):
        out = -(-size // s)
        total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _forward(x, kernel, strides, padding, dilation):
    return lax.conv_general_dilated(x, kernel, strides, padding, rhs_dilation=dilation,
                                    dimension_numbers=_numbers(x.ndim - 2))


@partial(jax.custom_vjp, nondiff_argnums=(2, 3, 4))
def conv(x, kernel, strides, padding, dilation):
    """Convolution (no bias) with the fast backward pass described above."""
    return _forward(x, kernel, strides, padding, dilation)


def _conv_fwd(x, kernel, strides, padding, dilation):
    return _forward(x, kernel, strides, padding, dilation), (x, kernel)


def _conv_bwd(strides, padding, dilation, residuals, g):
    x, kernel = residuals
    nd = x.ndim - 2
    window = kernel.shape[:nd]
    in_sizes = x.shape[1:-1]
    out_sizes = g.shape[1:-1]
    nums = _numbers(nd)

    # dx: the transposed convolution of g with the spatially flipped kernel (in/out swapped).
    flipped = jnp.flip(kernel, axis=tuple(range(nd)))
    flipped = jnp.swapaxes(flipped, -1, -2)
    dx_pad = []
    for size, out, k, s, d, (lo, _) in zip(in_sizes, out_sizes, window, strides, dilation, padding):
        low = (k - 1) * d - lo
        high = size + (k - 1) * d - (out - 1) * s - 1 - low
        dx_pad.append((low, high))
    dx = lax.conv_general_dilated(g, flipped, (1,) * nd, dx_pad, lhs_dilation=strides,
                                  rhs_dilation=dilation, dimension_numbers=nums)

    # dkernel: correlate x (channels as batch) with g (batch as input channels).
    xt = jnp.moveaxis(x, -1, 0)            # (C_in, *spatial, N)
    xt = jnp.moveaxis(xt, 1, -1)           # (C_in, *spatial, N) with N last
    gt = jnp.moveaxis(g, 0, -2)            # (*out, N, C_out)
    dk_pad = []
    for size, out, k, s, d, (lo, _) in zip(in_sizes, out_sizes, window, strides, dilation, padding):
        high = (k - 1) * d + (out - 1) * s + 1 - size - lo
        dk_pad.append((lo, high))
    dk = lax.conv_general_dilated(xt, gt, dilation, dk_pad, rhs_dilation=strides,
                                  dimension_numbers=nums)  # (C_in, *window, C_out)
    dk = jnp.moveaxis(dk, 0, -2)
    return dx.astype(x.dtype), dk.astype(kernel.dtype)


conv.defvjp(_conv_fwd, _conv_bwd)
