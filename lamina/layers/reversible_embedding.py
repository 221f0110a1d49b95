"""ReversibleEmbedding: an embedding that can also project hidden states back to logits."""

import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.core.symbolic import infer_output_spec
from lamina.layers.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """`Embedding` whose `call(inputs, reverse=True)` maps `(..., output_dim)` hidden
    states to `(..., input_dim)` logits: `inputs @ embeddings.T` (`tie_weights=True`) or
    `inputs @ reverse_embeddings` (a separate `(output_dim, input_dim)` weight).

    Args:
        input_dim, output_dim: as `Embedding`. tie_weights: True.
        embeddings_initializer: "uniform". embeddings_regularizer, embeddings_constraint: None.
        mask_zero: False (the forward output carries the mask `inputs != 0`).
        reverse_dtype: None, or the dtype the reverse matmul is computed in.
        logit_soft_cap: None, or `c` for logits `c * tanh(logits / c)`.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer=self.embeddings_initializer,
                name="reverse_embeddings", trainable=True)

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        kernel = self._lora_weight_value().T if self.tie_weights else self.reverse_embeddings.value
        if self.reverse_dtype is not None:
            dtype = standardize_dtype(self.reverse_dtype)
            inputs, kernel = inputs.astype(dtype), kernel.astype(dtype)
        logits = jnp.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = jnp.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        # Only the forward (integer index) direction has a padding mask.
        if jnp.issubdtype(jnp.asarray(inputs).dtype, jnp.integer):
            return super().compute_mask(inputs, mask)
        return None

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs, reverse=False):
        # The shape depends on `reverse`, which `compute_output_shape` is not given here.
        return infer_output_spec(self.call, (inputs,), {"reverse": reverse})

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}
