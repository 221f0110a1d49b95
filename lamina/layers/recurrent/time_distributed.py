"""TimeDistributed: apply a layer to every time step of (batch, steps, ...) inputs."""

import jax.numpy as jnp

from lamina.core import naming
from lamina.core.layer import Layer, _NoOutputShape
from lamina.layers.wrapper import Wrapper


class TimeDistributed(Wrapper):
    """`layer` applied to each of the `steps` slices (batch, ...) of a (batch, steps, ...)
    input, with the same weights; the steps are folded into the batch for one call."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed needs a layer instance, got {layer!r}.")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _inner_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}' expects inputs of rank >= 3 "
                             f"(batch, steps, ...), got shape {tuple(input_shape)}.")
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        inner = self._inner_shape(input_shape)
        if not self.layer.built:
            with naming.own_scope(self.layer.name):  # also for a layer without its own build
                self.layer.build(inner)

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape(self._inner_shape(input_shape))
        if inner is None:
            raise _NoOutputShape()
        return (inner[0], input_shape[1]) + tuple(inner[1:])

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {}
        if self.layer._call_accepts("training"):
            kwargs["training"] = training
        if mask is not None and self.layer._call_accepts("mask"):
            kwargs["mask"] = jnp.reshape(mask, (batch * steps,) + tuple(mask.shape[2:]))
        folded = jnp.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        outputs = self.layer(folded, **kwargs)
        return jnp.reshape(outputs, (batch, steps) + tuple(outputs.shape[1:]))
