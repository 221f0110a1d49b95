"""Transposed convolution layers: Conv1DTranspose, Conv2DTranspose, Conv3DTranspose.

Channels-last inputs use `ops.conv_transpose`'s hand-written gradients (both are plain
convolutions, fast inside compiled loops).
"""

from lamina.layers.conv import BaseConv, init_arguments
from lamina.ops._nn_conv_pool import _transpose_padding, conv_transpose


def transpose_output_length(size, window, padding, stride, dilation=1, output_padding=None):
    """Output length of one spatial dim of a transposed convolution (None stays None)."""
    if size is None:
        return None
    before, after = _transpose_padding(size, window, stride, dilation, padding.upper(),
                                       output_padding)
    return (size - 1) * stride + before + after - (window - 1) * dilation + 1


class BaseConvTranspose(BaseConv):
    """N-D transposed convolution: `activation(conv_transpose(inputs, kernel) + bias)`,
    the gradient of a convolution with respect to its input.

    kernel: (*kernel_size, filters, channels). Each spatial size n becomes
    (n - 1) * stride + max(dilated kernel, stride) with "valid" padding and n * stride
    with "same"; `output_padding` (each below its stride) sets the extra length instead.
    Strides above 1 cannot be combined with a dilation rate above 1.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        if str(padding).lower() == "causal":
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got "
                             f"{padding!r}.")
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)
        kind = f"{type(self).__name__} '{self.name}'"
        if output_padding is not None:
            output_padding = (output_padding,) * self.rank if isinstance(output_padding, int) \
                else tuple(output_padding)
            if len(output_padding) != self.rank or not all(
                    isinstance(p, int) and 0 <= p < s
                    for p, s in zip(output_padding, self.strides)):
                raise ValueError(f"{kind}: output_padding must be {self.rank} non-negative "
                                 f"int(s), each strictly less than its stride "
                                 f"{self.strides}, got {output_padding!r}.")
        self.output_padding = output_padding
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{kind}: strides > 1 cannot be combined with dilation_rate > 1, "
                             f"got strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}.")

    def kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def convolve(self, x, kernel):
        return conv_transpose(x, kernel, self.strides, self.padding, self.output_padding,
                              self.data_format, self.dilation_rate)

    def compute_output_shape(self, input_shape):
        channels_last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if channels_last else input_shape[2:]
        out_pad = self.output_padding or (None,) * self.rank
        out = tuple(transpose_output_length(n, k, self.padding, s, d, p) for n, k, s, d, p in
                    zip(spatial, self.kernel_size, self.strides, self.dilation_rate, out_pad))
        if channels_last:
            return (input_shape[0],) + out + (self.filters,)
        return (input_shape[0], self.filters) + out

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["output_padding"] = self.output_padding
        return config


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution over (batch, steps, channels)."""

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution over (batch, height, width, channels)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1),
                 activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        # Keras's defaults here are tuples; the parameters are those of the base class.
        super().__init__(**init_arguments(locals()))


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution over (batch, depth, height, width, channels)."""

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, output_padding=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        # Keras's defaults here are tuples; the parameters are those of the base class.
        super().__init__(**init_arguments(locals()))
