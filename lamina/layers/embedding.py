"""Embedding: integer indices -> dense vectors."""

import jax.numpy as jnp

from lamina import constraints, initializers, regularizers
from lamina.core.layer import Layer
from lamina.layers import quantization
from lamina.quantizers.quantization_config import QuantizationConfig
from lamina.quantizers.quantizers import AbsMaxQuantizer
from lamina.saving.serialization import serialize_keras_object as _ser


class Embedding(Layer):
    """(batch, ...) integer indices in [0, input_dim) -> (batch, ..., output_dim).

    embeddings: (input_dim, output_dim), initialized "uniform" (-0.05, 0.05).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        self.quantization_config = quantization.config_from(self, quantization_config)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self._initial_weights = weights

    def build(self, input_shape=None):
        if self.quantization_mode is not None:
            quantization.check_mode(self, self.quantization_mode, ("int8",))
            self._int8_build()
            self.built = True
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            name="embeddings")
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
        self.built = True

    def call(self, inputs):
        indices = inputs if jnp.issubdtype(inputs.dtype, jnp.integer) else inputs.astype(jnp.int32)
        rows = jnp.take(self.embeddings.value, indices, axis=0)
        if self.quantization_mode == "int8":
            scale = jnp.take(self.embeddings_scale.value, indices, axis=0)
            return rows.astype(self.compute_dtype) / scale[..., None]
        return rows

    # -- quantization (int8 rows, one scale per row; Keras's variables) ----------------
    def _int8_build(self):
        shape = (self.input_dim, self.output_dim)
        self.embeddings = self.add_weight(shape=shape, initializer="zeros", dtype="int8",
                                          trainable=False, name="embeddings")
        # One scale per row (reducing output_dim, usually the shorter axis).
        self.embeddings_scale = self.add_weight(shape=(self.input_dim,), initializer="ones",
                                                trainable=False, name="embeddings_scale")

    def quantize(self, mode=None, type_check=True, config=None):
        """Store the table as int8 with one abs-max scale per row. mode: "int8"."""
        if type_check and type(self) is not Embedding:
            return super().quantize(mode, type_check, config)
        mode = quantization.check_quantize_args(self, mode, config, ("int8",))
        self.quantization_config = config
        quantizer = QuantizationConfig.weight_quantizer_or_default(config,
                                                                   AbsMaxQuantizer(axis=-1))
        float_table = self.embeddings
        table, scale = quantizer(float_table.value, to_numpy=True)
        quantization.drop_variable(self, float_table)
        self._quantization_mode = mode
        self._int8_build()
        self.embeddings.assign(table)
        self.embeddings_scale.assign(scale.reshape(-1))

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
                **quantization.config_entry(self)}
