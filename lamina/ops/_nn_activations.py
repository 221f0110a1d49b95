"""Neural-network activations (relu family, sigmoid, gelu, softmax, sparsemax, ...) and polar."""

import jax
import jax.numpy as jnp

from lamina.ops import _util
from lamina.ops._util import to_float
from lamina.ops.dispatch import op

# Integer inputs become floatx(), except in relu and hard_tanh.


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
    """exp(x) / sum(exp(x)) along `axis` (an int or a tuple of axes).

    Examples:
        >>> keras.ops.softmax(np.array([0.0, 0.0, 0.0, 0.0])).tolist()
        [0.25, 0.25, 0.25, 0.25]
    """
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


@op
def polar(abs_, angle):
    """The complex numbers abs_ * exp(1j * angle)."""
    abs_, angle = to_float(abs_), to_float(angle)
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))
