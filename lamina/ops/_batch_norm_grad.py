"""Training-mode batch normalization with a hand-written gradient.

Differentiating `(x - mean(x)) / sqrt(var(x) + eps) * gamma + beta` step by step gives
XLA one pass over the data per intermediate: on XLA:CPU a BatchNorm's backward pass read
its (batch, *spatial, channels) input and output gradient 8-9 times. The closed form

    dx = gamma * inv * (dy - mean(dy) - x_hat * mean(dy * x_hat)),  inv = 1/sqrt(var + eps)

needs one reduction pass (the sums of dy and dy * (x - mean)) and one elementwise pass.
The forward pass is Keras's: the mean and the centred (two-pass) variance, then
`x * (gamma * inv) + (beta - mean * gamma * inv)`.
"""

import functools

import jax
import jax.numpy as jnp


def _forward(x, gamma, beta, axes, epsilon):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
    inv = jax.lax.rsqrt(variance + epsilon)
    scale = gamma * inv
    out = x * scale + (beta - mean * scale)
    return (out, mean, variance), (x, mean, inv, scale)


@functools.partial(jax.custom_vjp, nondiff_argnums=(3, 4))
def _batch_norm(x, gamma, beta, axes, epsilon):
    return _forward(x, gamma, beta, axes, epsilon)[0]


def _batch_norm_bwd(axes, epsilon, residuals, cotangents):
    x, mean, inv, scale = residuals
    dy, dmean, dvariance = cotangents
    count = 1
    for a in axes:
        count *= x.shape[a]
    centred = x - mean
    sum_dy = jnp.sum(dy, axis=axes, keepdims=True)
    sum_dy_centred = jnp.sum(dy * centred, axis=axes, keepdims=True)
    # dx = scale*dy + centred*k1 + k0; the mean and variance outputs (read by the moving
    # averages) add dmean/count and 2*dvariance*centred/count.
    k1 = (2.0 * dvariance - scale * inv * inv * sum_dy_centred) / count
    k0 = (dmean - scale * sum_dy) / count
    dx = dy * scale + centred * k1 + k0
    return dx, sum_dy_centred * inv, sum_dy


_batch_norm.defvjp(lambda x, gamma, beta, axes, epsilon: _forward(x, gamma, beta, axes, epsilon),
                   _batch_norm_bwd)


def batch_norm_training(x, gamma, beta, axes, epsilon):
    """Normalize `x` with its own statistics over `axes`.

    x: float array. gamma, beta: arrays broadcastable to x with size 1 along `axes`
    (keepdims shape). axes: tuple of the reduced axes. Returns (out, mean, variance),
    mean and variance in the keepdims shape (biased variance, as Keras).
    """
    return _batch_norm(x, gamma, beta, tuple(axes), float(epsilon))
