"""LSTMCell and LSTM (gates in Keras's order: input, forget, cell, output)."""

import jax.numpy as jnp

from lamina import activations
from lamina.layers.recurrent.base_cell import RecurrentCell, recurrent_cell_arguments
from lamina.layers.recurrent.cell_layer import CellLayer
from lamina.layers.recurrent.lstm_sequence import lstm_sequence


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

    def run_sequence(self, sequences, states, training, go_backwards, return_sequences,
                     mask=None, zero_output_for_mask=False):
        """The whole (batch, steps, features) sequence in one call of `lstm_sequence` (a
        faster backward pass) when that computes what the step does: tanh and sigmoid,
        no recurrent dropout in training, the cell's own step. mask: None or (batch, steps)
        booleans, with the RNN's rules. Returns `(last_output, outputs, [h, c])`, outputs
        (batch, steps, units) in processing order or None; None when it does not apply
        (the RNN then scans `step_function`)."""
        kernel = self.kernel.value
        own_step = all(getattr(type(self), name) is getattr(LSTMCell, name)
                       for name in ("_gate_step", "step_function"))
        if (not own_step or self.activation is not activations.tanh
                or self.recurrent_activation is not activations.sigmoid
                or (training and 0.0 < self.recurrent_dropout < 1.0)
                or sequences.shape[1] == 0 or sequences.dtype != kernel.dtype):
            return None
        in_mask, _ = self.dropout_masks(sequences.shape[0], sequences.shape[-1],
                                        sequences.dtype, training)
        if in_mask is not None:  # the same mask at every step, as in step_function
            sequences = sequences * in_mask[:, None, :]
        bias = self.bias.value if self.bias is not None else \
            jnp.zeros((4 * self.units,), kernel.dtype)
        time_mask = None if mask is None else jnp.swapaxes(jnp.asarray(mask).astype(bool), 0, 1)
        h, c, hs = lstm_sequence(
            jnp.swapaxes(sequences, 0, 1), kernel, self.recurrent_kernel.value, bias,
            states[0], states[1], time_mask, go_backwards, return_sequences)
        last = h
        if time_mask is not None and zero_output_for_mask:
            # A masked step outputs zeros; otherwise it repeats the previous output (= h).
            last = jnp.where(time_mask[0 if go_backwards else -1][:, None], h, 0.0)
            if hs is not None:
                hs = jnp.where(time_mask[..., None], hs, 0.0)
        if hs is not None:
            hs = jnp.swapaxes(jnp.flip(hs, 0) if go_backwards else hs, 0, 1)
        return last, hs, [h, c]

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
