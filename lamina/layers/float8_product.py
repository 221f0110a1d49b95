"""The float8 product of Dense and EinsumDense (training-time float8 with delayed scaling).

    y = contract(qdq(x, s_x, e4m3), qdq(k, s_k, e4m3)),  dL/dy -> qdq(dL/dy, s_g, e5m2)

qdq rounds a tensor through a float8 type after dividing by its scale. Each scale comes with
an amax history (max |value| of the last steps). In training, the gradient returned for a
scale is its next value (from the largest amax of its history) and the one for a history is
the history with the current amax put in front; the variables are created with
`overwrite_with_gradient=True`, so the optimizer assigns these "gradients" to them.
The float weights themselves train as usual: the gradient goes through qdq unchanged.
"""

from functools import partial

import jax
import jax.numpy as jnp

from lamina.quantizers.quantizers import (
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)

FORWARD_DTYPE = "float8_e4m3fn"  # inputs and kernel
BACKWARD_DTYPE = "float8_e5m2"  # gradient of the outputs

# Keras's names and order of a float8 layer's variables after the kernel (and bias).
FLOAT8_VARIABLES = ("inputs_scale", "inputs_amax_history", "kernel_scale",
                    "kernel_amax_history", "outputs_grad_scale", "outputs_grad_amax_history")


def _dtype_max(dtype):
    return jnp.float32(float(jnp.finfo(jnp.dtype(dtype)).max))


def _next_state(x, scale, history, dtype):
    """(next scale, next history) after seeing `x` (the scale from the old history)."""
    return (compute_float8_scale(jnp.max(history, axis=0), scale, _dtype_max(dtype)),
            compute_float8_amax_history(x, history))


@partial(jax.custom_vjp, nondiff_argnums=(3, 4))
def qdq_forward(x, scale, history, training, compute_dtype):
    """x rounded through float8_e4m3fn; in training, the scale's and the history's
    gradients are their next values (zeros outside training)."""
    return quantize_and_dequantize(x, scale, FORWARD_DTYPE, compute_dtype)


def _qdq_forward_fwd(x, scale, history, training, compute_dtype):
    return qdq_forward(x, scale, history, training, compute_dtype), (x, scale, history)


def _qdq_forward_bwd(training, compute_dtype, residuals, g):
    x, scale, history = residuals
    if training:
        new_scale, new_history = _next_state(x, scale, history, FORWARD_DTYPE)
    else:
        new_scale, new_history = jnp.zeros_like(scale), jnp.zeros_like(history)
    return g, new_scale, new_history


qdq_forward.defvjp(_qdq_forward_fwd, _qdq_forward_bwd)


@partial(jax.custom_vjp, nondiff_argnums=(3,))
def qdq_gradient(y, scale, history, compute_dtype):
    """y unchanged; its gradient is rounded through float8_e5m2, and the gradients of the
    scale and history are their next values."""
    return y


def _qdq_gradient_fwd(y, scale, history, compute_dtype):
    return y, (scale, history)


def _qdq_gradient_bwd(compute_dtype, residuals, g):
    scale, history = residuals
    new_scale, new_history = _next_state(g, scale, history, BACKWARD_DTYPE)
    return quantize_and_dequantize(g, scale, BACKWARD_DTYPE, compute_dtype), new_scale, \
        new_history


qdq_gradient.defvjp(_qdq_gradient_fwd, _qdq_gradient_bwd)


def float8_product(layer, contract, inputs, training):
    """contract(inputs, kernel) of a float8 `layer` (its kernel and the six float8
    variables), then its bias (rounded through bfloat16 under a float32 policy, as Keras
    does for the fused bias add)."""
    dtype = layer.compute_dtype
    training = bool(training)
    x = qdq_forward(inputs, layer.inputs_scale.value, layer.inputs_amax_history.value,
                    training, dtype)
    kernel = qdq_forward(layer.kernel.value, layer.kernel_scale.value,
                         layer.kernel_amax_history.value, training, dtype)
    y = qdq_gradient(contract(x, kernel), layer.outputs_grad_scale.value,
                     layer.outputs_grad_amax_history.value, dtype)
    if layer.bias is not None:
        bias = layer.bias.value
        if dtype == "float32":
            bias = bias.astype(jnp.bfloat16).astype(bias.dtype)
        y = y + bias
    return y


def add_float8_variables(layer):
    """Create Keras's six float8 variables on `layer` (float32 scalars starting at 1, and
    zeroed histories of the policy's amax_history_length), trainable so that they receive
    their next values as gradients."""
    length = layer.dtype_policy.amax_history_length
    for name in FLOAT8_VARIABLES:
        history = name.endswith("history")
        setattr(layer, name, layer.add_weight(
            name=name, shape=(length,) if history else (), dtype="float32",
            initializer="zeros" if history else "ones", trainable=True, autocast=False,
            overwrite_with_gradient=True))
