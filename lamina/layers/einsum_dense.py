"""EinsumDense: a dense layer whose product with the kernel is any einsum expression."""

import re

import jax
import jax.numpy as jnp
import numpy as np

from lamina import activations
from lamina.core.layer import Layer
from lamina.layers import quantization
from lamina.layers.float8_product import add_float8_variables, float8_product
from lamina.layers.int8_product import int8_product
from lamina.layers.kernel_options import kernel_options_config, set_kernel_options
from lamina.layers.lora import LoraMixin, lora_weight
from lamina.quantizers.quantizers import dequantize_grouped, unpack_int4


def parse_equation(equation):
    """"ab,bc->ac" -> ("ab", "bc", "ac", None); with "..." leading both the input and the
    output ("...b,bc->...c") the last item is "left"; trailing both, "right"."""
    plain = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", equation)
    if plain:
        return plain.group(1), plain.group(2), plain.group(3), None
    left = re.fullmatch(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)", equation)
    if left:
        return left.group(1), left.group(2), left.group(3), "left"
    right = re.fullmatch(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.", equation)
    if right:
        return right.group(1), right.group(2), right.group(3), "right"
    raise ValueError(f"EinsumDense: invalid equation '{equation}'. Use the forms 'ab,bc->ac', "
                     "'...b,bc->...c' or 'ab...,bc->ac...'.")


def einsum_shapes(equation, bias_axes, input_shape, partial_output_shape):
    """(kernel shape, bias shape or None, full output shape) for an input shape.

    `partial_output_shape` is the output shape without the batch axis nor the axes the
    ellipsis stands for; None entries are read from the input where the axis is shared.
    """
    in_spec, w_spec, out_spec, elided_side = parse_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    if elided < 0 or (elided and elided_side is None):
        raise ValueError(f"EinsumDense: equation '{equation}' expects inputs of rank "
                         f"{len(in_spec)}, got shape {input_shape}.")
    partial = [partial_output_shape] if isinstance(partial_output_shape, int) \
        else list(partial_output_shape)
    output = [input_shape[0]] + partial
    if elided_side == "left":
        output[1:1] = input_shape[1:elided]
        in_pos = {c: elided + i for i, c in enumerate(in_spec)}
        out_pos = {c: elided + i for i, c in enumerate(out_spec)}
    else:
        if elided_side == "right":
            output += input_shape[len(in_spec):]
        in_pos = {c: i for i, c in enumerate(in_spec)}
        out_pos = {c: i for i, c in enumerate(out_spec)}
    if len(output) != len(out_pos) + elided:
        raise ValueError(f"EinsumDense: output_shape {partial_output_shape} does not fit the "
                         f"output '{out_spec}' of equation '{equation}'.")
    for c, i in in_pos.items():
        if c in out_pos:
            j = out_pos[c]
            if output[j] is None:
                output[j] = input_shape[i]
            elif input_shape[i] is not None and output[j] != input_shape[i]:
                raise ValueError(f"EinsumDense: input and output disagree on axis '{c}': "
                                 f"{input_shape[i]} vs {output[j]}.")
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(f"EinsumDense: output axis '{c}' of '{equation}' is in neither "
                             "the input nor the kernel.")
    kernel = []
    for c in w_spec:
        if c in out_pos:
            kernel.append(output[out_pos[c]])
        elif c in in_pos:
            kernel.append(input_shape[in_pos[c]])
        else:
            raise ValueError(f"EinsumDense: kernel axis '{c}' of '{equation}' is in neither "
                             "the input nor the output.")
    bias = None
    if bias_axes:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"EinsumDense: bias axis '{c}' is not an output axis of "
                                 f"'{equation}'.")
        first = min(out_spec.index(c) for c in bias_axes)
        bias = [output[out_pos[c]] if c in bias_axes else 1 for c in out_spec[first:]]
        if elided_side == "right":
            bias += [1] * elided
    return kernel, bias, tuple(output)


class QuantizationAxes:
    """Which axes an int8 EinsumDense reduces, and the kernel scale's two layouts.

    The scale is computed in the kernel's layout (contracted axes kept as 1); Keras stores
    it in the output's layout: the kernel's kept axes at their output positions, 1
    elsewhere (e.g. "abc,cde->abde": kernel (c, d, e) -> scale (1, 1, d, e)).
    """

    def __init__(self, in_spec, w_spec, out_spec):
        self.w_spec, self.out_spec = w_spec, out_spec
        self.input_reduced = tuple(i for i, c in enumerate(in_spec) if c not in out_spec)
        self.kernel_reduced = tuple(i for i, c in enumerate(w_spec) if c not in out_spec)
        self.kept_kernel_order = "".join(c for c in w_spec if c in out_spec)
        self.kept_output_order = "".join(c for c in out_spec if c in w_spec)

    def stored_scale_shape(self, kernel_shape):
        size = dict(zip(self.w_spec, kernel_shape))
        return tuple(size[c] if c in size else 1 for c in self.out_spec)

    def to_stored_layout(self, scale):
        kept = jnp.reshape(scale, [d for i, d in enumerate(scale.shape)
                                   if i not in self.kernel_reduced])
        moved = jnp.einsum(f"{self.kept_kernel_order}->{self.kept_output_order}", kept)
        return jnp.reshape(moved, self.stored_scale_shape(scale.shape))

    def to_kernel_layout(self, stored):
        kept = jnp.reshape(stored, [d for c, d in zip(self.out_spec, stored.shape)
                                    if c in self.w_spec])
        moved = jnp.einsum(f"{self.kept_output_order}->{self.kept_kernel_order}", kept)
        size = dict(zip(self.kept_kernel_order, moved.shape))
        return jnp.reshape(moved, [size.get(c, 1) for c in self.w_spec])


def quantization_axes(equation, input_ndim):
    """QuantizationAxes for `equation` on inputs of rank `input_ndim` ("..." spelled out)."""
    in_spec, w_spec, out_spec, elided_side = parse_equation(equation)
    free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in in_spec + w_spec + out_spec]
    extra = "".join(free[:input_ndim - len(in_spec)])
    if elided_side == "left":
        in_spec, out_spec = extra + in_spec, extra + out_spec
    elif elided_side == "right":
        in_spec, out_spec = in_spec + extra, out_spec + extra
    return QuantizationAxes(in_spec, w_spec, out_spec)


class EinsumDense(LoraMixin, Layer):
    """`activation(einsum(equation, inputs, kernel) + bias)`.

    Args:
        equation: e.g. "ab,bc->ac" (a Dense), "abc,cde->abde" (a projection to heads).
        output_shape: the output shape without the batch axis (an int for one axis); None
            for an axis the input shares.
        bias_axes: the output axes (letters) the bias spans, or None for no bias.
        activation, kernel/bias initializer, regularizer and constraint, as Dense.
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        # Keras takes activity_regularizer by keyword only (through **kwargs).
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(**kwargs)
        if gptq_unpacked_column_size:
            raise ValueError(f"EinsumDense '{self.name}': GPTQ is not supported by lamina.")
        self.quantization_config = quantization.config_from(self, quantization_config)
        self._init_lora(lora_rank, lora_alpha)
        parse_equation(equation)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) \
            else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        set_kernel_options(self, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer,
                           kernel_regularizer=kernel_regularizer,
                           bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        kernel, bias, output = einsum_shapes(self.equation, self.bias_axes, input_shape,
                                             self.partial_output_shape)
        if any(d is None for d in kernel):
            raise ValueError(f"EinsumDense '{self.name}': the kernel shape {kernel} has unknown "
                             f"axes for input shape {tuple(input_shape)}.")
        self.full_output_shape = output
        self._axes = quantization_axes(self.equation, len(input_shape))
        if self.quantization_mode == "float8":  # Keras makes these first when built
            add_float8_variables(self)
        self._kernel_shape = tuple(kernel)
        if self.quantization_mode == "int4":
            quantization.add_int4_kernel(self, self._int4_shape(), self._int4_shape()[1])
        elif self.quantization_mode not in (None, "float8"):
            quantization.check_mode(self, self.quantization_mode, ("int8", "int4", "float8"))
            quantization.add_int8_kernel(self, tuple(kernel),
                                         self._axes.stored_scale_shape(kernel))
        else:
            self.kernel = self.add_weight(shape=kernel, initializer=self.kernel_initializer,
                                          regularizer=self.kernel_regularizer,
                                          constraint=self.kernel_constraint, name="kernel")
        self.bias = None
        if bias is not None:
            self.bias = self.add_weight(shape=bias, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, name="bias")
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    kernel = lora_weight("kernel")

    def call(self, inputs, training=None):
        if self.quantization_mode == "float8":
            return self.activation(float8_product(
                self, lambda a, b: jnp.einsum(self.equation, a, b), inputs, training))
        if self.quantization_mode == "int8":
            axes = self._axes
            x = int8_product(
                lambda a, b, **kw: jnp.einsum(self.equation, a, b, **kw), inputs,
                self.kernel.value, axes.to_kernel_layout(self.kernel_scale.value),
                axes.input_reduced, self.inputs_quantizer, self.compute_dtype)
        elif self.quantization_mode == "int4":
            x = self._int4_einsum(inputs)
        else:
            x = jnp.einsum(self.equation, inputs, self._lora_weight_value())
        if self.bias is not None:
            x = x + self.bias.value
        return self.activation(x)

    # -- quantization (Keras's variables and layouts) -----------------------------------
    def quantize(self, mode=None, type_check=True, config=None):
        """mode "int8": the kernel as int8 with abs-max scales over its contracted axes;
        calls quantize their inputs over the contracted axes. mode "int4": the kernel
        reshaped to (rows, columns) = (product of the contracted axes, of the others), as
        Keras, stored as int4 packed along the columns; by default asymmetric in groups
        of 128 rows (Int4QuantizationConfig's block_size; -1: one scale per column),
        weight-only. mode "float8": float8 training (the float kernel stays)."""
        quantization.quantize_kernel(
            self, EinsumDense, mode, type_check, config, reduced_axes=self._axes.kernel_reduced,
            scale_shape=self._axes.stored_scale_shape(self.kernel.shape),
            stored_scale=self._axes.to_stored_layout, int4_units=self._int4_shape()[1])

    def _int4_shape(self):
        """Keras's 2-D int4 layout of the kernel: (rows, columns)."""
        rows = int(np.prod([d for i, d in enumerate(self._kernel_shape)
                            if i in self._axes.kernel_reduced]))
        return rows, int(np.prod(self._kernel_shape)) // rows

    def _int4_einsum(self, inputs):
        """einsum with the dequantized int4 kernel; an activation quantizer (from the
        config) rounds the inputs, the gradient reaches them as through the float kernel."""
        columns = self._int4_shape()[1]
        q = unpack_int4(self.kernel.value, columns, axis=-1)
        if self.g_idx is None:  # one symmetric scale per column
            flat = q.astype(self.compute_dtype) / self.kernel_scale.value
        else:
            flat = dequantize_grouped(q, self.kernel_scale.value, self.kernel_zero.value,
                                      self.g_idx.value)
        kernel = flat.reshape(self._kernel_shape).astype(self.compute_dtype)
        y = jnp.einsum(self.equation, inputs, kernel)
        if self.inputs_quantizer is None:
            return y
        xq, x_scale = self.inputs_quantizer(inputs, axis=self._axes.input_reduced)
        unit = jnp.ones([1 if i in self._axes.kernel_reduced else d
                         for i, d in enumerate(self._kernel_shape)], self.compute_dtype)
        rounded = jnp.einsum(self.equation, xq.astype(self.compute_dtype), kernel) / \
            jnp.einsum(self.equation, x_scale, unit)
        return y + jax.lax.stop_gradient(rounded - y)

    _saved_variables = quantization.kernel_file_order

    def compute_output_shape(self, input_shape):
        return einsum_shapes(self.equation, self.bias_axes, input_shape,
                             self.partial_output_shape)[2]

    def get_config(self):
        config = {**super().get_config(), "output_shape": self.partial_output_shape,
                  "equation": self.equation, "activation": activations.serialize(self.activation),
                  "bias_axes": self.bias_axes, **kernel_options_config(self),
                  **self._lora_config()}
        config.update(quantization.config_entry(self))
        return config
