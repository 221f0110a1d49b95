"""Depthwise and separable convolutions: DepthwiseConv1D/2D, SeparableConv1D/2D.

Both build on `BaseConv` (options, bias, activation, checks); their weights are named
and configured as in Keras: `kernel` (depthwise) or `depthwise_kernel` and
`pointwise_kernel` (separable), with `depthwise_*` and `pointwise_*` options.
"""

from lamina.layers.conv import BaseConv, init_arguments
from lamina.layers.kernel_options import options_config, set_options
from lamina.ops._nn_conv_pool import depthwise_conv, separable_conv

_OPTIONS = ("initializer", "regularizer", "constraint")


def _check_depth(layer, depth_multiplier):
    if layer.padding == "causal":
        raise ValueError(f"{type(layer).__name__} '{layer.name}': padding must be 'valid' or "
                         "'same', got 'causal'.")
    if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': depth_multiplier must be a "
                         f"positive int, got {depth_multiplier!r}.")
    return depth_multiplier


def _init_depthwise(layer, filters, depth_multiplier, depthwise_initializer,
                    depthwise_regularizer, depthwise_constraint, **conv_arguments):
    """BaseConv's __init__ with the depthwise kernel's options as its kernel options."""
    BaseConv.__init__(layer, filters, kernel_initializer=depthwise_initializer,
                      kernel_regularizer=depthwise_regularizer,
                      kernel_constraint=depthwise_constraint, **conv_arguments)
    layer.depth_multiplier = _check_depth(layer, depth_multiplier)
    for option in _OPTIONS:
        setattr(layer, f"depthwise_{option}", getattr(layer, f"kernel_{option}"))


def _rename_kernel_options(config):
    """Keras names the depthwise kernel's options `depthwise_*`, not `kernel_*`."""
    for option in _OPTIONS:
        value = config.pop(f"kernel_{option}")
        config[f"depthwise_{option}"] = value
    return config


class BaseDepthwiseConv(BaseConv):
    """Each input channel convolved with its own `depth_multiplier` filters.

    kernel: (*kernel_size, channels, depth_multiplier); output channels
    channels * depth_multiplier. padding: "valid" (default) or "same".
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        _init_depthwise(self, filters=1, **init_arguments(locals()))

    def kernel_shape(self, channels):
        return self.kernel_size + (channels, self.depth_multiplier)

    def build_kernels(self, channels):
        self.filters = channels * self.depth_multiplier
        super().build_kernels(channels)

    def convolve(self, x, kernel):
        return depthwise_conv(x, kernel, self.strides, self.padding, self.data_format,
                              self.dilation_rate)

    def compute_output_shape(self, input_shape):
        shape = list(super().compute_output_shape(input_shape))
        channels = input_shape[self._channel_axis()]
        shape[self._channel_axis()] = None if channels is None else \
            channels * self.depth_multiplier
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups"):
            del config[key]
        config["depth_multiplier"] = self.depth_multiplier
        return _rename_kernel_options(config)


class BaseSeparableConv(BaseConv):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution to `filters`.

    depthwise_kernel: (*kernel_size, channels, depth_multiplier); pointwise_kernel:
    (1, ..., channels * depth_multiplier, filters). padding: "valid" or "same".
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        arguments = init_arguments(locals())
        for option in _OPTIONS:
            del arguments[f"pointwise_{option}"]
        _init_depthwise(self, **arguments)
        set_options(self, pointwise_initializer=pointwise_initializer,
                    pointwise_regularizer=pointwise_regularizer,
                    pointwise_constraint=pointwise_constraint)

    def build_kernels(self, channels):
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")

    def apply_kernels(self, x):
        return separable_conv(x, self.depthwise_kernel.value.astype(x.dtype),
                              self.pointwise_kernel.value.astype(x.dtype), self.strides,
                              self.padding, self.data_format, self.dilation_rate)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["depth_multiplier"] = self.depth_multiplier
        return {**_rename_kernel_options(config),
                **options_config(self, [f"pointwise_{option}" for option in _OPTIONS])}


class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1D convolution over (batch, steps, channels)."""

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2D convolution over (batch, height, width, channels)."""

    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        # Keras's defaults here are tuples; the parameters are those of the base class.
        super().__init__(**init_arguments(locals()))


class SeparableConv1D(BaseSeparableConv):
    """Depthwise-separable 1D convolution over (batch, steps, channels)."""

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    """Depthwise-separable 2D convolution over (batch, height, width, channels)."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        # Keras's defaults here are tuples; the parameters are those of the base class.
        super().__init__(**init_arguments(locals()))
