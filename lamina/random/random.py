"""keras.random: random ops taking `seed` (an int, a SeedGenerator or None)."""

import jax
import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.ops.dispatch import unwrap
from lamina.random.seed_generator import draw_key


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return mean + stddev * jax.random.normal(draw_key(seed), tuple(shape), dtype=dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dtype = standardize_dtype(dtype)
    return jax.random.uniform(draw_key(seed), tuple(shape), dtype=dtype,
                              minval=minval, maxval=maxval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values redrawn beyond two standard deviations."""
    dtype = standardize_dtype(dtype)
    sample = jax.random.truncated_normal(draw_key(seed), -2.0, 2.0, tuple(shape), dtype=dtype)
    return mean + stddev * sample


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(draw_key(seed), tuple(shape), minval, maxval,
                              dtype=standardize_dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Samples (batch, num_samples) class indices from `logits` (batch, classes)."""
    logits = unwrap(logits)
    out = jax.random.categorical(draw_key(seed), logits[:, None, :],
                                 shape=(logits.shape[0], num_samples))
    return out.astype(standardize_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries with probability `rate`, scale the rest by 1 / (1 - rate)."""
    inputs = unwrap(inputs)
    shape = inputs.shape if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = jax.random.bernoulli(draw_key(seed), 1.0 - rate, shape)
    return jnp.where(keep, inputs / (1.0 - rate), jnp.zeros((), inputs.dtype))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(draw_key(seed), unwrap(x), axis=axis, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(draw_key(seed), alpha, tuple(shape), dtype=standardize_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return jax.random.binomial(draw_key(seed), counts, probabilities, tuple(shape),
                               dtype=standardize_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return jax.random.beta(draw_key(seed), alpha, beta, tuple(shape), dtype=standardize_dtype(dtype))
