"""SpectralNormalization: divide a layer's kernel by its largest singular value."""

import jax
import jax.numpy as jnp

from lamina import initializers, ops
from lamina.core.input_spec import InputSpec
from lamina.layers.wrapper import Wrapper


class SpectralNormalization(Wrapper):
    """Wraps a layer with a `kernel` (or `embeddings`) and, when called with
    `training=True`, replaces that kernel by `kernel / sigma`, `sigma` its spectral norm
    estimated by `power_iterations` steps of power iteration from the kept vector `u`
    (a non-trainable `(1, units)` weight, TruncatedNormal(0.02) at start). An all-zero
    kernel is left alone. Inference calls the wrapped layer unchanged.

    Args:
        layer: the layer to wrap. power_iterations: 1 (> 0).
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError("`power_iterations` should be greater than zero. Received: "
                             f"`power_iterations={power_iterations}`")
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' "
                             "nor 'embeddings'")
        self.kernel_shape = tuple(self.kernel.shape)
        # Keras counts the wrapped kernel among this layer's own trainable weights
        # (before `vector_u`): weights read [kernel, vector_u, <the layer's others>],
        # the order `get_weights` and the weights file use.
        self._own_trainable.append(self.kernel)
        self.vector_u = self.add_weight(shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, name="vector_u", dtype=self.kernel.dtype)

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel.value
            new_u, new_kernel = self.normalized_weights()
            unchanged = jnp.all(kernel == 0)
            self.vector_u.assign(jnp.where(unchanged, self.vector_u.value, new_u))
            self.kernel.assign(jnp.where(unchanged, kernel, new_kernel))
        output = self.layer(inputs)
        return output.astype(jnp.asarray(inputs).dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_weights(self):
        """`(u, kernel / sigma)` after `power_iterations` power-iteration steps."""
        weights = jnp.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = ops.normalize(u @ weights.T, axis=None)
            u = ops.normalize(v @ weights, axis=None)
        u, v = jax.lax.stop_gradient(u), jax.lax.stop_gradient(v)
        sigma = (v @ weights) @ u.T
        kernel = jnp.reshape(self.kernel.value / sigma, self.kernel_shape)
        return u.astype(self.vector_u.dtype), kernel.astype(self.kernel.dtype)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
