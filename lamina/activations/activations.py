"""Activation functions with Keras's names and defaults. Each maps an array to one of the same shape."""

import jax
import jax.numpy as jnp

from lamina.ops.dispatch import op


@op
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return jax.nn.relu(x)
    y = jnp.where(x > threshold, x, negative_slope * (x - threshold))  # x == threshold -> 0, as Keras
    if max_value is not None:
        y = jnp.minimum(y, max_value)
    return y


@op
def relu6(x):
    return jax.nn.relu6(x)


@op
def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(x, negative_slope)


@op
def elu(x, alpha=1.0):
    return jax.nn.elu(x, alpha)


@op
def selu(x):
    return jax.nn.selu(x)


@op
def gelu(x, approximate=False):
    return jax.nn.gelu(x, approximate=approximate)


@op
def sigmoid(x):
    return jax.nn.sigmoid(x)


@op
def hard_sigmoid(x):
    return jax.nn.relu6(x + 3.0) / 6.0


@op
def hard_silu(x):
    return x * jax.nn.relu6(x + 3.0) / 6.0


@op
def silu(x):
    return jax.nn.silu(x)


swish = silu
hard_swish = hard_silu


@op
def softmax(x, axis=-1):
    return jax.nn.softmax(x, axis=axis)


@op
def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(x, axis=axis)


@op
def softplus(x):
    return jax.nn.softplus(x)


@op
def softsign(x):
    return jax.nn.soft_sign(x)


@op
def tanh(x):
    return jnp.tanh(x)


@op
def exponential(x):
    return jnp.exp(x)


@op
def mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


@op
def linear(x):
    return x
