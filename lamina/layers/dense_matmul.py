"""`inputs @ kernel` for Dense, with a hand-written backward pass.

XLA:CPU computes the kernel gradient `x^T @ g` that JAX derives as a dot contracting
both operands' leading axis, which runs slowly (notably for narrow outputs like a
10-class head). Materializing `x^T` first turns it into a plain (in, batch) @ (batch, out)
product: the same numbers, ~15% faster MNIST-MLP steps on this CPU.
"""

import functools

import jax
import jax.numpy as jnp
from jax import lax


@jax.custom_vjp
def dense_matmul(x, kernel):
    """(..., in) @ (in, out) -> (..., out)."""
    return jnp.matmul(x, kernel)


def _forward(x, kernel):
    return jnp.matmul(x, kernel), (x, kernel)


def _backward(residuals, g):
    x, kernel = residuals
    dx = jnp.matmul(g, kernel.T)
    x2 = jnp.reshape(x, (-1, x.shape[-1]))
    g2 = jnp.reshape(g, (-1, g.shape[-1]))
    # The barrier keeps XLA from folding the transpose back into the dot.
    dkernel = jnp.matmul(lax.optimization_barrier(x2.T), g2)
    return dx.astype(x.dtype), dkernel.astype(kernel.dtype)


dense_matmul.defvjp(_forward, _backward)


@functools.partial(jax.jit, static_argnames="activation")
def dense_forward(x, kernel, bias, activation):
    """`activation(dense_matmul(x, kernel) + bias)` (no bias when None), one jitted function.

    JAX caches its trace, derivative and lowering by the arguments' shapes and dtypes, so a
    deep stack of same-sized Dense layers is traced and differentiated once rather than once
    per layer (40 Dense(64): a third of a train step's tracing). XLA inlines the calls: the
    compiled program and its numbers are those of the plain expression. `activation` must be
    a pure function of its input (lamina's own activations).
    """
    y = dense_matmul(x, kernel)
    if bias is not None:
        y = y + bias
    return activation(y)
