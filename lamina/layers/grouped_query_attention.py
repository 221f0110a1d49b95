"""GroupedQueryAttention: attention whose key/value heads are shared by groups of query heads."""

import contextlib

import jax.numpy as jnp

from lamina.core import naming
from lamina.layers.kernel_options import kernel_options_config
from lamina.layers.multi_head_attention import MultiHeadAttention, attention_equations
from lamina.layers.regularization import Dropout


class GroupedQueryAttention(MultiHeadAttention):
    """Grouped-query attention (Ainslie et al., 2023), as Keras 3: `num_query_heads`
    query heads, `num_key_value_heads` key/value heads, each shared by
    `num_query_heads // num_key_value_heads` query heads.

    Args:
        head_dim: size of each head. num_query_heads, num_key_value_heads: head counts
            (the first divisible by the second).
        dropout: 0.0. use_bias: True. sliding_window: None. flash_attention: None.
        kernel/bias initializer ("glorot_uniform"/"zeros"), regularizer and constraint,
        activity_regularizer: None. use_gate: False. seed: None.

    Weights: query/kernel `(dim, num_query_heads, head_dim)`, key/ and value/kernel
    `(dim, num_key_value_heads, head_dim)`, attention_output/kernel
    `(num_query_heads, head_dim, dim)`, with biases when `use_bias`.
    Call: `(query (batch, T, dim), value (batch, S, dim), key=None, query_mask=None,
    value_mask=None, key_mask=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)` -> `(batch, T, dim)` (and the scores
    `(batch, num_query_heads, T, S)`).
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
                 use_bias=True, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None,
                 **kwargs):
        for arg, value in (("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"GroupedQueryAttention: `{arg}` must be a positive int, "
                                 f"got {value!r}.")
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError("GroupedQueryAttention: `num_query_heads` must be divisible by "
                             f"`num_key_value_heads`. Received: num_query_heads={num_query_heads}"
                             f", num_key_value_heads={num_key_value_heads}")
        super().__init__(num_query_heads, head_dim, dropout=dropout, use_bias=use_bias,
                         sliding_window=sliding_window, flash_attention=flash_attention,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         use_gate=use_gate, seed=seed, **kwargs)
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.sliding_window = sliding_window
        self.use_gate = use_gate

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if len(query_shape) != 3:
            raise ValueError("GroupedQueryAttention: `query` must be (batch, steps, features); "
                             f"got shape {tuple(query_shape)}.")
        q_heads, kv_heads, dim = self.num_query_heads, self.num_key_value_heads, self.head_dim
        scope = naming.name_scope(self.name) if naming.current_scope_name() != self.name \
            else contextlib.nullcontext()
        with scope:
            self.query_dense = self._projection(3, 1, [q_heads, dim], "query")
            self.query_dense.build(query_shape)
            self.key_dense = self._projection(3, 1, [kv_heads, dim], "key")
            self.key_dense.build(key_shape)
            if self.use_gate:
                self._gate_dense = self._projection(3, 1, [q_heads, dim], "gate",
                                                    activation="sigmoid")
                self._gate_dense.build(query_shape)
            self.value_dense = self._projection(3, 1, [kv_heads, dim], "value")
            self.value_dense.build(value_shape)
            self._axes = (1,)
            self._dot_equation, self._combine_equation, _ = attention_equations(4, self._axes)
            self._norm_axes = (3,)
            self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype)
            self.output_dense = self._projection(3, 2, [query_shape[-1]], "attention_output")
            self.output_dense.build((None, None, q_heads, dim))

    def _project_key_value(self, key, value):
        # Each key/value head serves `num_repeats` consecutive query heads.
        return (jnp.repeat(self._key_dense(key), self.num_repeats, axis=2),
                jnp.repeat(self._value_dense(value), self.num_repeats, axis=2))

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if query_shape[-1] != value_shape[-1]:
            raise ValueError("The last dimension of `query_shape` and `value_shape` must be "
                             f"equal, but are {query_shape[-1]}, {value_shape[-1]}. Received: "
                             f"query_shape={query_shape}, value_shape={value_shape}")
        return super().compute_output_shape(query_shape, value_shape, key_shape)

    def get_config(self):
        base = {k: v for k, v in super().get_config().items()
                if k not in ("num_heads", "key_dim", "value_dim", "output_shape",
                             "attention_axes")}
        return {**base, "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, **kernel_options_config(self)}
