"""Core layers: Dense, Activation, Identity, Lambda."""

import jax.numpy as jnp

from lamina import activations
from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.core.serialization.lambda_serialization import deserialize_function, serialize_function
from lamina.layers import quantization
from lamina.activations.get import ALL as _ACTIVATIONS
from lamina.layers.dense_matmul import dense_forward, dense_matmul
from lamina.layers.float8_product import add_float8_variables, float8_product
from lamina.layers.int8_product import int8_product
from lamina.quantizers.quantizers import dequantize_grouped, unpack_int4
from lamina.layers.kernel_options import kernel_options_config, set_kernel_options
from lamina.layers.lora import LoraMixin, lora_weight

# Activations known to be pure functions: Dense runs those inside one cached jitted call.
_OWN_ACTIVATIONS = frozenset(id(f) for f in _ACTIVATIONS.values())


class Dense(LoraMixin, Layer):
    """`activation(inputs @ kernel + bias)`.

    Input (..., input_dim) -> output (..., units). kernel (input_dim, units) starts
    "glorot_uniform", bias (units,) "zeros". activation None means linear.

    Examples:
        >>> layer = keras.layers.Dense(4, activation="relu")
        >>> layer(np.ones((2, 3))).shape
        (2, 4)
        >>> [tuple(w.shape) for w in layer.weights]
        [(3, 4), (4,)]
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        self.quantization_config = quantization.config_from(self, quantization_config)
        self._init_lora(lora_rank, lora_alpha)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Dense '{self.name}': units must be a positive int, got {units!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        set_kernel_options(self, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer,
                           kernel_regularizer=kernel_regularizer,
                           bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense '{self.name}' needs a known last input dimension, got "
                             f"input shape {tuple(input_shape)}.")
        if self.quantization_mode == "float8":  # Keras makes these first when built
            add_float8_variables(self)
        if self.quantization_mode == "int4":
            quantization.add_int4_kernel(self, (input_dim, self.units), self.units)
        elif self.quantization_mode not in (None, "float8"):
            quantization.check_mode(self, self.quantization_mode)
            quantization.add_int8_kernel(self, (input_dim, self.units), (self.units,))
        else:
            self.kernel = self.add_weight(shape=(input_dim, self.units),
                                          initializer=self.kernel_initializer,
                                          regularizer=self.kernel_regularizer,
                                          constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    kernel = lora_weight("kernel")

    def call(self, inputs, training=None):
        if self.quantization_mode == "float8":
            return self.activation(float8_product(self, jnp.matmul, inputs, training))
        if self.quantization_mode == "int8":
            x = int8_product(jnp.matmul, inputs, self.kernel.value, self.kernel_scale.value[None],
                             -1, self.inputs_quantizer, self.compute_dtype)
        elif self.quantization_mode == "int4":
            x = self._int4_matmul(inputs)
        else:
            kernel = self._lora_weight_value()
            bias = None if self.bias is None else self.bias.value
            if id(self.activation) in _OWN_ACTIVATIONS:
                return dense_forward(inputs, kernel, bias, activation=self.activation)
            x = dense_matmul(inputs, kernel)
        if self.bias is not None:
            x = x + self.bias.value
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    # -- quantization (int8 kernel, one scale per output unit; Keras's variables) ------
    def quantize(self, mode=None, type_check=True, config=None):
        """mode "int8": the kernel as int8 with one abs-max scale per output unit, inputs
        quantized per row at each call (unless `config` says otherwise). mode "int4": the
        kernel as int4, by default asymmetric in groups of 128 input rows (an
        Int4QuantizationConfig sets block_size; -1 for one scale per unit), weight-only."""
        quantization.quantize_kernel(self, Dense, mode, type_check, config, reduced_axes=0,
                                     scale_shape=(self.units,),
                                     stored_scale=lambda scale: scale.reshape(-1),
                                     int4_units=self.units)

    def _int4_matmul(self, inputs):
        kernel = unpack_int4(self.kernel.value, self.units, axis=-1)
        if self.g_idx is None:  # one symmetric scale per unit
            return int8_product(jnp.matmul, inputs, kernel, self.kernel_scale.value[None], -1,
                                self.inputs_quantizer, self.compute_dtype)
        float_kernel = dequantize_grouped(kernel, self.kernel_scale.value,
                                          self.kernel_zero.value, self.g_idx.value)
        return jnp.matmul(inputs, float_kernel.astype(self.compute_dtype))

    _saved_variables = quantization.kernel_file_order

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **kernel_options_config(self),
            **self._lora_config(),
        })
        config.update(quantization.config_entry(self))
        return config


class Activation(Layer):
    """Applies `activation` (a name or callable) elementwise. Shape unchanged."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Identity(Layer):
    """Returns its input unchanged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer.

    output_shape: optional shape (without batch) or callable(input_shape); by default the
    output shape is inferred by tracing the function.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda '{self.name}': function must be callable, got {function!r}.")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.built = True

    def call(self, inputs, mask=None, training=None):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            from lamina.core.layer import _NoOutputShape

            raise _NoOutputShape()
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0] if input_shape and not isinstance(input_shape[0], (list, tuple)) else None
        return (batch,) + tuple(self._output_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"function": serialize_function(self.function), "arguments": self.arguments,
                       "output_shape": self._output_shape if not callable(self._output_shape) else None})
        return config

    @classmethod
    def from_config(cls, config, safe_mode=None):
        config = dict(config)
        config["function"] = deserialize_function(config["function"], safe_mode=safe_mode)
        return cls(**config)
