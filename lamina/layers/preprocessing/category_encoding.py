"""CategoryEncoding: integer category indices to one-hot, multi-hot or count vectors."""

import jax.numpy as jnp

from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.layers.preprocessing import encoding


class CategoryEncoding(Layer):
    """Encode integer indices in [0, num_tokens).

    output_mode: "multi_hot" (default; "binary" is accepted as its old name): one vector
    per sample with 1 at each index present; "one_hot": one vector per index; "count":
    how often each index occurs in the sample (weighted by `count_weights` when given
    to the call). Inputs (batch,) or (batch, n) give (batch, num_tokens) for
    multi_hot/count; one_hot gives (batch, n, num_tokens).
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        encoding.check_output_mode("CategoryEncoding", output_mode,
                                   ("one_hot", "multi_hot", "count"))
        encoding.check_not_sparse("CategoryEncoding", sparse)
        if num_tokens is None:
            raise ValueError("CategoryEncoding: num_tokens must be set. When the number of "
                             "categories is not known in advance, use IntegerLookup.")
        if int(num_tokens) < 1:
            raise ValueError(f"CategoryEncoding: num_tokens must be >= 1; got {num_tokens}.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("CategoryEncoding: count_weights is only used with "
                                 f"output_mode='count', not {self.output_mode!r}.")
            count_weights = jnp.asarray(count_weights, self.compute_dtype)
        inputs = jnp.asarray(inputs)
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype("int32")
        return encoding.encode(inputs, self.output_mode, self.num_tokens, self.compute_dtype,
                               count_weights)

    def compute_output_shape(self, input_shape):
        return encoding.encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode, "sparse": self.sparse}
