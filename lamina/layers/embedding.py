"""Embedding: integer indices -> dense vectors."""

import jax.numpy as jnp
import numpy as np

from lamina import constraints, initializers, regularizers
from lamina.core.layer import Layer
from lamina.layers.lora import LoraMixin, lora_weight
from lamina.core.serialization.serialization import serialize_keras_object as _ser
from lamina.layers import quantization
from lamina.quantizers.quantization_config import Int4QuantizationConfig, QuantizationConfig
from lamina.quantizers.quantizers import (
    AbsMaxQuantizer,
    abs_max_quantize_grouped_with_zero_point,
    pack_int4,
    unpack_int4,
)


class Embedding(LoraMixin, Layer):
    """(batch, ...) integer indices in [0, input_dim) -> (batch, ..., output_dim).

    embeddings: (input_dim, output_dim), initialized "uniform" (-0.05, 0.05).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.quantization_config = quantization.config_from(self, quantization_config)
        self._init_lora(lora_rank, lora_alpha)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self._initial_weights = weights

    def build(self, input_shape=None):
        if self.quantization_mode is not None:
            quantization.check_mode(self, self.quantization_mode, ("int8", "int4"))
            self._quantized_build()
            self.built = True
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            name="embeddings")
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    embeddings = lora_weight("embeddings")
    _lora_target = "embeddings"
    _lora_prefix = "lora_embeddings"

    def call(self, inputs):
        indices = inputs if jnp.issubdtype(inputs.dtype, jnp.integer) else inputs.astype(jnp.int32)
        if self.quantization_mode is None:
            return jnp.take(self._lora_weight_value(), indices, axis=0)
        table = self.embeddings.value
        if self.quantization_mode == "int4":
            table = unpack_int4(table, self.output_dim, axis=-1)
        rows = jnp.take(table, indices, axis=0)
        scale = jnp.take(self.embeddings_scale.value, indices, axis=0)
        if getattr(self, "g_idx", None) is None:  # one scale per row
            return rows.astype(self.compute_dtype) / scale[..., None]
        zero = jnp.take(self.embeddings_zero.value, indices, axis=0)
        groups = self.g_idx.value.astype(jnp.int32)  # each column's group
        return ((rows.astype(self.compute_dtype) - jnp.take(zero, groups, axis=-1))
                * jnp.take(scale, groups, axis=-1)).astype(self.compute_dtype)

    # -- quantization (Keras's variables) ------------------------------------------------
    def _quantized_build(self):
        """int8: the table as int8 with one scale per row (reducing output_dim, usually
        the shorter axis). int4: two values per int8 along the row, either one scale per
        row ("int4/-1") or a scale and zero point per row and group of columns."""
        int4 = self.quantization_mode == "int4"
        columns = (self.output_dim + 1) // 2 if int4 else self.output_dim
        self.embeddings = self.add_weight(shape=(self.input_dim, columns), initializer="zeros",
                                          dtype="int8", trainable=False, name="embeddings")
        block = quantization.int4_block_size(self._quantization_mode) if int4 else None
        scale_shape = (self.input_dim,) if block is None else \
            (self.input_dim, -(-self.output_dim // block))
        self.embeddings_scale = self.add_weight(shape=scale_shape, initializer="ones",
                                                trainable=False, name="embeddings_scale")
        self.embeddings_zero = self.g_idx = None
        if block is not None:
            self.embeddings_zero = self.add_weight(shape=scale_shape, initializer="zeros",
                                                   dtype="int8", trainable=False,
                                                   name="embeddings_zero")
            self.g_idx = self.add_weight(shape=(self.output_dim,), initializer="zeros",
                                         trainable=False, name="g_idx")
            self.g_idx.assign(np.arange(self.output_dim) // block)

    def quantize(self, mode=None, type_check=True, config=None):
        """mode "int8": the table as int8 with one abs-max scale per row. mode "int4": as
        int4, by default asymmetric in groups of 128 columns per row (an
        Int4QuantizationConfig sets block_size; -1 for one scale per row)."""
        if type_check and type(self) is not Embedding:
            return super().quantize(mode, type_check, config)
        mode = quantization.check_quantize_args(self, mode, config, ("int8", "int4"))
        with quantization.scope_of(self.embeddings):
            self._quantize_table(mode, config)

    def _quantize_table(self, mode, config):
        if mode == "int4" and config is None:
            config = Int4QuantizationConfig()
        self.quantization_config = config
        float_table = self.embeddings.value
        zero = None
        if mode == "int8":
            quantizer = QuantizationConfig.weight_quantizer_or_default(
                config, AbsMaxQuantizer(axis=-1))
            table, scale = quantizer(float_table, to_numpy=True)
            scale = scale.reshape(-1)
        elif config.block_size in (None, -1):
            mode = "int4/-1"
            quantizer = QuantizationConfig.weight_quantizer_or_default(
                config, AbsMaxQuantizer(axis=-1, value_range=(-8, 7)))
            table, scale = quantizer(float_table, to_numpy=True)
            scale = scale.reshape(-1)
        else:
            mode = f"int4/{config.block_size}"
            table, scale, zero = (a.T for a in abs_max_quantize_grouped_with_zero_point(
                np.asarray(float_table).T, block_size=config.block_size, to_numpy=True))
        quantization.drop_variable(self, self.embeddings)
        self._quantization_mode = mode
        self._quantized_build()
        self.embeddings.assign(pack_int4(table, axis=-1)[0] if mode.startswith("int4")
                               else table)
        self.embeddings_scale.assign(scale)
        if zero is not None:
            self.embeddings_zero.assign(zero)

    def compute_mask(self, inputs, mask=None):
        return None if not self.mask_zero else jnp.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": _ser(self.embeddings_initializer),
                "embeddings_regularizer": _ser(self.embeddings_regularizer),
                "embeddings_constraint": _ser(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                **quantization.config_entry(self), **self._lora_config()}
