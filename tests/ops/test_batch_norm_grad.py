"""The closed-form BatchNorm gradient against the one JAX derives from the plain formula."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lamina.ops._batch_norm_grad import batch_norm_training


def reference(x, gamma, beta, axes, epsilon):
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.var(x, axis=axes, keepdims=True)
    out = (x - mean) / jnp.sqrt(variance + epsilon) * gamma + beta
    return out, mean, variance


@pytest.mark.parametrize("shape, axes", [((6, 5, 4, 3), (0, 1, 2)), ((7, 3), (0,)),
                                         ((4, 3, 5), (0, 2))])
def test_outputs_and_gradients_equal_autodiff(shape, axes):
    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(3.0, 2.0, shape), jnp.float32)
    keep = [1 if a in axes else d for a, d in enumerate(shape)]
    gamma = jnp.asarray(rng.uniform(0.5, 2.0, keep), jnp.float32)
    beta = jnp.asarray(rng.normal(size=keep), jnp.float32)
    # Cotangents for all three outputs: the mean and variance feed moving averages.
    cts = (jnp.asarray(rng.normal(size=shape), jnp.float32),
           jnp.asarray(rng.normal(size=keep), jnp.float32),
           jnp.asarray(rng.normal(size=keep), jnp.float32))

    def run(f):
        outs, vjp = jax.vjp(lambda x, g, b: f(x, g, b, axes, 1e-3), x, gamma, beta)
        return outs, vjp(cts)

    got = jax.jit(lambda: run(batch_norm_training))()
    expected = jax.jit(lambda: run(reference))()
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(expected)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-4, atol=2e-4)
