"""ConvLSTM1D, ConvLSTM2D, ConvLSTM3D: convolutional LSTMs over sequences of feature maps."""

from lamina import regularizers
from lamina.core.input_spec import InputSpec
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.layers.recurrent.conv_lstm_cell import ConvLSTMCell
from lamina.layers.recurrent.rnn import RNN

_CELL_ONLY = ("name", "trainable", "dtype", "rank")


class ConvLSTM(RNN):
    """A ConvLSTMCell of spatial rank `rank` (the subclass's) run over the time axis.

    Input (batch, steps, *spatial, channels) for data_format "channels_last", or
    (batch, steps, channels, *spatial). Output (batch, *out_spatial, filters), or
    (batch, steps, *out_spatial, filters) with return_sequences=True; with return_state=True
    also the final h and c. The cell's arguments (filters, kernel_size, strides, padding,
    data_format, dilation_rate, activations, initializers, regularizers, constraints,
    unit_forget_bias, dropout, recurrent_dropout, seed) are as in ConvLSTMCell; the RNN's
    (return_sequences, return_state, go_backwards, stateful, unroll) as in RNN.
    """

    rank = None
    cell_attributes = ("filters", "kernel_size", "strides", "padding", "data_format",
                       "dilation_rate", "activation", "recurrent_activation", "use_bias",
                       "kernel_initializer", "recurrent_initializer", "bias_initializer",
                       "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
                       "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                       "bias_constraint", "dropout", "recurrent_dropout", "seed")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            self.rank, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, **kwargs)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def __getattr__(self, name):
        # filters, kernel_size, ...: read from the cell, as Keras's properties do.
        if name in type(self).cell_attributes and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) != self.rank + 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of rank {self.rank + 3} "
                f"(batch, steps, *spatial, channels), got shape {tuple(sequences_shape)}.")
        super().build(sequences_shape, initial_state_shape)

    def get_initial_state(self, batch_size):
        return self.cell.get_initial_state(batch_size)

    def _output_init(self, batch, states):
        return states[0] * 0

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        if self.cell.spatial_dims is None:
            self.cell.spatial_dims = tuple(sequences_shape[2:-1]) \
                if self.cell.data_format == "channels_last" else tuple(sequences_shape[3:])
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.state_shape(batch)
        output = (batch, steps) + state[1:] if self.return_sequences else state
        return (output, state, state) if self.return_state else output

    def get_config(self):
        cell_config = {k: v for k, v in self.cell.get_config().items() if k not in _CELL_ONLY}
        config = {**self._rnn_config(), **cell_config,
                  "activity_regularizer": serialize_keras_object(self.activity_regularizer)}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


class ConvLSTM1D(ConvLSTM):
    """1D convolutional LSTM: inputs (batch, steps, length, channels). See ConvLSTM."""

    rank = 1


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM: inputs (batch, steps, rows, cols, channels). See ConvLSTM."""

    rank = 2


class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: inputs (batch, steps, depth, rows, cols, channels). See
    ConvLSTM."""

    rank = 3
