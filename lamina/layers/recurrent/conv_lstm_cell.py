"""ConvLSTMCell: an LSTM step whose input and recurrent transforms are convolutions."""

import jax.numpy as jnp

from lamina import activations, ops
from lamina.backend import config
from lamina.layers.conv import conv_output_length, normalize_tuple
from lamina.layers.recurrent.base_cell import RecurrentCell
from lamina.layers.recurrent.lstm import forget_bias_one

_GATES = 4  # input, forget, cell, output (Keras's order)


class ConvLSTMCell(RecurrentCell):
    """One step of a convolutional LSTM of spatial rank `rank` (1, 2 or 3).

    Inputs (batch, *spatial, channels) for data_format "channels_last" (default:
    `image_data_format()`), or (batch, channels, *spatial). Weights: kernel
    (*kernel_size, channels, 4 * filters), recurrent_kernel (*kernel_size, filters,
    4 * filters), bias (4 * filters,), each in [i, f, c, o] blocks along the last axis.
    The input convolution uses strides/padding/dilation_rate; the recurrent one stride 1 and
    "same" padding. States [h, c], each (batch, *out_spatial, filters) (channels_last).
    dropout / recurrent_dropout draw one mask per gate, fixed over the time steps.
    """

    gates = _GATES

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        if rank not in (1, 2, 3):
            raise ValueError(f"ConvLSTMCell: rank must be 1, 2 or 3, got {rank!r}.")
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"ConvLSTMCell: filters must be a positive int, got {filters!r}.")
        super().__init__(
            filters, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.rank, self.filters = rank, filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", self)
        self.strides = normalize_tuple(strides, rank, "strides", self)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", self)
        padding = padding.lower() if isinstance(padding, str) else padding
        if padding not in ("valid", "same"):
            raise ValueError(f"ConvLSTMCell: padding must be 'valid' or 'same', got {padding!r}.")
        self.padding = padding
        data_format = data_format or config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError("ConvLSTMCell: data_format must be 'channels_last' or "
                             f"'channels_first', got {data_format!r}.")
        self.data_format = data_format
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.spatial_dims = None

    @property
    def state_size(self):
        return [self.filters, self.filters]

    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        """input_shape: one step's (batch, *spatial, channels) (or channels first)."""
        input_shape = tuple(input_shape)
        self.spatial_dims = input_shape[1:-1] if self.data_format == "channels_last" \
            else input_shape[2:]
        if None in self.spatial_dims:
            raise ValueError("ConvLSTM layers only support static input shapes for the spatial "
                             f"dimension. Received invalid input shape: input_shape={input_shape}")
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found None. "
                             f"Full input shape received: input_shape={input_shape}")
        width = _GATES * self.filters
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, width), initializer=self.kernel_initializer,
            name="kernel", regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, width),
            initializer=self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(width,), initializer=self._bias_initializer(), name="bias",
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def _bias_initializer(self):
        return forget_bias_one(self.bias_initializer, self.filters) if self.unit_forget_bias \
            else self.bias_initializer

    # -- shapes -----------------------------------------------------------------------------
    def output_spatial_shape(self):
        return tuple(conv_output_length(s, k, self.padding, st, d) for s, k, st, d in zip(
            self.spatial_dims, self.kernel_size, self.strides, self.dilation_rate))

    def state_shape(self, batch_size):
        spatial = self.output_spatial_shape()
        if self.data_format == "channels_last":
            return (batch_size,) + spatial + (self.filters,)
        return (batch_size, self.filters) + spatial

    def get_initial_state(self, batch_size=None):
        shape = self.state_shape(batch_size)
        return [jnp.zeros(shape, self.compute_dtype), jnp.zeros(shape, self.compute_dtype)]

    # -- computing --------------------------------------------------------------------------
    def _gate_masks(self, rate, shape, dtype):
        return [self._dropout_scale(rate, shape, dtype) for _ in range(_GATES)]

    def _add_bias(self, x):
        if self.bias is None:
            return x
        shape = [1] * x.ndim
        shape[self._channel_axis] = -1
        return x + jnp.reshape(self.bias.value, shape)

    def input_projection(self, inputs, input_masks=None):
        """All four gates' input convolutions (+ bias) of (batch, *spatial, channels) inputs:
        one convolution with the whole kernel, or one per gate on its dropped-out inputs."""
        conv = lambda x, k: ops.conv(x, k, strides=self.strides, padding=self.padding,  # noqa
                                     data_format=self.data_format,
                                     dilation_rate=self.dilation_rate)
        kernel = self.kernel.value
        if input_masks is None:
            projected = conv(inputs, kernel)
        else:
            kernels = jnp.split(kernel, _GATES, axis=-1)
            projected = jnp.concatenate([conv(inputs * m, k) for m, k in zip(input_masks, kernels)],
                                        axis=self._channel_axis)
        return self._add_bias(projected)

    def recurrent_step(self, recurrent_masks=None):
        """`step(projected_t, [h, c]) -> (h, [h, c])`, the recurrent kernel read once."""
        kernel = self.recurrent_kernel.value
        axis, gate, act = self._channel_axis, self.recurrent_activation, self.activation

        def step(projected_t, states):
            h, c = states[0], states[1]
            if recurrent_masks is None:
                inner = ops.conv(h, kernel, padding="same", data_format=self.data_format)
            else:
                kernels = jnp.split(kernel, _GATES, axis=-1)
                inner = jnp.concatenate(
                    [ops.conv(h * m, k, padding="same", data_format=self.data_format)
                     for m, k in zip(recurrent_masks, kernels)], axis=axis)
            z_i, z_f, z_c, z_o = jnp.split(projected_t + inner, _GATES, axis=axis)
            c = gate(z_f) * c + gate(z_i) * act(z_c)
            h = gate(z_o) * act(c)
            return h, [h, c]

        return step

    def dropout_masks_for(self, input_shape, state_shape, dtype, training):
        """(4 input masks or None, 4 recurrent masks or None), scaled by 1 / (1 - rate)."""
        if not training:
            return None, None
        in_masks = rec_masks = None
        if 0.0 < self.dropout < 1.0:
            in_masks = self._gate_masks(self.dropout, input_shape, dtype)
        if 0.0 < self.recurrent_dropout < 1.0:
            rec_masks = self._gate_masks(self.recurrent_dropout, state_shape, dtype)
        return in_masks, rec_masks

    def sequence_step(self, sequences, training=False):
        """What the RNN scans: `(projected, step)`, the input convolutions of all steps done
        at once (steps folded into the batch) before the loop, the recurrent one inside it.
        sequences: (batch, steps, *step_shape)."""
        batch, steps = sequences.shape[0], sequences.shape[1]
        in_masks, rec_masks = self.dropout_masks_for(
            (batch,) + sequences.shape[2:], self.state_shape(batch), sequences.dtype, training)
        folded = jnp.reshape(sequences, (batch * steps,) + sequences.shape[2:])
        if in_masks is not None:  # the same mask for every step of a sample
            in_masks = [jnp.reshape(jnp.broadcast_to(m[:, None], (batch, steps) + m.shape[1:]),
                                    folded.shape) for m in in_masks]
        projected = self.input_projection(folded, in_masks)
        projected = jnp.reshape(projected, (batch, steps) + projected.shape[1:])
        return projected, self.recurrent_step(rec_masks)

    def call(self, inputs, states, training=False):
        in_masks, rec_masks = self.dropout_masks_for(
            inputs.shape, states[0].shape, inputs.dtype, training)
        return self.recurrent_step(rec_masks)(self.input_projection(inputs, in_masks),
                                              list(states))

    def get_config(self):
        config = super().get_config()
        config.pop("units")
        return {**config, "rank": self.rank, "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
