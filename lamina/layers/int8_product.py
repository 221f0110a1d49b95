"""The int8 product of quantized layers (Dense, EinsumDense): quantize the inputs per row,
multiply int8 by int8 into int32, scale back to floats.

    y = contract(q(x), k_q) / contract(s_x, s_k)

`contract(a, b)` is the layer's product (a matmul or an einsum); the scales keep the
contracted axes as size 1, so `contract` on them is their broadcast product in the
output's layout. The gradient reaches the inputs through the dequantized kernel
`k_q / s_k` (the int8 kernel itself is not trained), as Keras does.
"""

import jax
import jax.numpy as jnp


def int8_product(contract, x, kernel, kernel_scale, input_axes, inputs_quantizer,
                 compute_dtype):
    """contract(x, kernel) for an int8 `kernel` with scale `kernel_scale` (kernel layout,
    contracted axes of size 1). inputs_quantizer None: weight-only (float inputs)."""

    @jax.custom_vjp
    def product(x, kernel, kernel_scale):
        if inputs_quantizer is None:
            return contract(x, kernel.astype(compute_dtype) / kernel_scale)
        xq, x_scale = inputs_quantizer(x, axis=input_axes)
        y = contract(xq, kernel, preferred_element_type=jnp.int32).astype(compute_dtype)
        return y / contract(x_scale, kernel_scale)

    def forward(x, kernel, kernel_scale):
        return product(x, kernel, kernel_scale), (x, kernel, kernel_scale)

    def backward(residuals, g):
        x, kernel, kernel_scale = residuals
        float_kernel = kernel.astype(compute_dtype) / kernel_scale
        _, pull = jax.vjp(lambda v: contract(v, float_kernel), x)
        return pull(g)[0], None, None

    product.defvjp(forward, backward)
    return product(x, kernel, kernel_scale)
