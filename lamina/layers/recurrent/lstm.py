"""LSTMCell and LSTM (gates in Keras's order: input, forget, cell, output)."""

import jax.numpy as jnp

from lamina import activations
from lamina.layers.recurrent.base_cell import RecurrentCell, recurrent_cell_arguments
from lamina.layers.recurrent.cell_layer import CellLayer


def forget_bias_one(init, units):
    """The [i, f, c, o] bias initializer of unit_forget_bias=True: `init` everywhere but the
    forget gate's block, which starts at 1."""

    def initializer(shape, dtype=None):
        return jnp.concatenate([jnp.asarray(init((units,), dtype=dtype)),
                                jnp.ones((units,), dtype),
                                jnp.asarray(init((2 * units,), dtype=dtype))])

    return initializer


class LSTMCell(RecurrentCell):
    """One step of a long short-term memory network.

    Weights: kernel (features, 4 * units), recurrent_kernel (units, 4 * units), bias
    (4 * units,), each split into the [i, f, c, o] gate blocks. unit_forget_bias=True starts
    the forget-gate bias at 1. States: [h, c], each (batch, units); the output is h.
    """

    gates = 4
    # x_t @ kernel + h @ recurrent_kernel as two matmuls: measured faster in training on
    # XLA:CPU than the fused [x_t, h] @ [kernel; recurrent_kernel] (whose weight gradient
    # is one (features + units, batch) x (batch, 4 units) product per step, a slow form).
    fused_step = False

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(**recurrent_cell_arguments(locals()))
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        return forget_bias_one(self.bias_initializer, self.units) if self.unit_forget_bias \
            else self.bias_initializer

    def _gate_step(self, z, states):
        """The gates from z = x_t @ kernel + h @ recurrent_kernel + bias (batch, 4 * units)."""
        c = states[1]
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        gate = self.recurrent_activation
        c = gate(z_f) * c + gate(z_i) * self.activation(z_c)
        h = gate(z_o) * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class LSTM(CellLayer):
    """Long short-term memory over (batch, steps, features) inputs.

    Output (batch, units), or (batch, steps, units) with return_sequences=True; with
    return_state=True also the final h and c. See `RNN` for go_backwards, unroll, masks.
    """

    cell_class = LSTMCell
    cell_attributes = CellLayer.cell_attributes + ("recurrent_activation", "unit_forget_bias")
    positional = ("activation", "recurrent_activation", "use_bias", "kernel_initializer",
                  "recurrent_initializer", "bias_initializer", "unit_forget_bias",
                  "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                  "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                  "bias_constraint", "dropout", "recurrent_dropout", "seed",
                  "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                  "use_cudnn")
