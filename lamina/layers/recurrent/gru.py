"""GRUCell and GRU (gates in Keras's order: update z, reset r, candidate h)."""

import jax.numpy as jnp

from lamina import activations
from lamina.layers.recurrent.base_cell import RecurrentCell, recurrent_cell_arguments
from lamina.layers.recurrent.cell_layer import CellLayer


class GRUCell(RecurrentCell):
    """One step of a gated recurrent unit.

    Weights: kernel (features, 3 * units), recurrent_kernel (units, 3 * units) in [z, r, h]
    blocks; bias (2, 3 * units) (input and recurrent biases) with reset_after=True, the
    Keras 3 default, else (3 * units,). reset_after applies the reset gate after the
    recurrent matmul. State: [h]; `h_t = z * h_{t-1} + (1 - z) * candidate`.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(**recurrent_cell_arguments(locals()))
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        return self.bias.value[0] if self.reset_after else self.bias.value

    def _step_context(self):
        context = super()._step_context()
        if self.reset_after and self.bias is not None:
            context["recurrent_bias"] = self.bias.value[1]
        return context

    def _recurrent_step(self, projected_t, states, recurrent_mask, context):
        h = states[0]
        h_in = h if recurrent_mask is None else h * recurrent_mask
        kernel, units, gate = context["recurrent_kernel"], self.units, self.recurrent_activation
        x_z, x_r, x_h = jnp.split(projected_t, 3, axis=-1)
        if self.reset_after:
            inner = h_in @ kernel
            if "recurrent_bias" in context:
                inner = inner + context["recurrent_bias"]
            r_z, r_r, r_h = jnp.split(inner, 3, axis=-1)
            z, r = gate(x_z + r_z), gate(x_r + r_r)
            candidate = self.activation(x_h + r * r_h)
        else:
            r_z, r_r = jnp.split(h_in @ kernel[:, :2 * units], 2, axis=-1)
            z, r = gate(x_z + r_z), gate(x_r + r_r)
            candidate = self.activation(x_h + (r * h_in) @ kernel[:, 2 * units:])
        h = z * h + (1.0 - z) * candidate
        return h, [h]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class GRU(CellLayer):
    """Gated recurrent unit over (batch, steps, features) inputs.

    Output (batch, units), or (batch, steps, units) with return_sequences=True; with
    return_state=True also the final h. See `RNN` for go_backwards, unroll, masks.
    """

    cell_class = GRUCell
    cell_attributes = CellLayer.cell_attributes + ("recurrent_activation", "reset_after")
    positional = ("activation", "recurrent_activation", "use_bias", "kernel_initializer",
                  "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                  "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                  "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                  "recurrent_dropout", "seed", "return_sequences", "return_state",
                  "go_backwards", "stateful", "unroll", "reset_after", "use_cudnn")
