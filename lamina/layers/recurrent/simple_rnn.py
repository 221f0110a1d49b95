"""SimpleRNNCell and SimpleRNN: `h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)`."""

from lamina.layers.recurrent.base_cell import RecurrentCell
from lamina.layers.recurrent.cell_layer import CellLayer


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected RNN.

    Weights: kernel (features, units) "glorot_uniform", recurrent_kernel (units, units)
    "orthogonal", bias (units,) "zeros". State: [h] (batch, units); the output is h.
    Other arguments: kernel/recurrent/bias initializer, regularizer and constraint,
    dropout / recurrent_dropout (rates of the input / state masks), seed.
    """

    gates = 1
    fused_step = True

    def _gate_step(self, z, states):
        output = self.activation(z)
        return output, [output]


class SimpleRNN(CellLayer):
    """A fully connected RNN over (batch, steps, features) inputs.

    Output (batch, units), or (batch, steps, units) with return_sequences=True; with
    return_state=True also the final state h. See `RNN` for go_backwards, unroll, masks.
    """

    cell_class = SimpleRNNCell
    positional = ("activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                  "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                  "bias_regularizer", "activity_regularizer", "kernel_constraint",
                  "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
                  "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                  "seed")
