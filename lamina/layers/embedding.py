"""Embedding: integer indices -> dense vectors."""

import jax.numpy as jnp

from lamina import constraints, initializers, regularizers
from lamina.core.layer import Layer
from lamina.layers.lora import LoraMixin, lora_weight
from lamina.core.serialization.serialization import serialize_keras_object as _ser


class Embedding(LoraMixin, Layer):
    """(batch, ...) integer indices in [0, input_dim) -> (batch, ..., output_dim).

    embeddings: (input_dim, output_dim), initialized "uniform" (-0.05, 0.05).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise ValueError(f"Embedding '{self.name}': quantization is not supported.")
        self._init_lora(lora_rank, lora_alpha)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self._initial_weights = weights

    def build(self, input_shape=None):
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
        return jnp.take(self._lora_weight_value(), indices, axis=0)

    def compute_mask(self, inputs, mask=None):
        return None if not self.mask_zero else jnp.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": _ser(self.embeddings_initializer),
                "embeddings_regularizer": _ser(self.embeddings_regularizer),
                "embeddings_constraint": _ser(self.embeddings_constraint),
                "mask_zero": self.mask_zero, **self._lora_config()}
