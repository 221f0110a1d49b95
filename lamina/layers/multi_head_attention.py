"""MultiHeadAttention, built from EinsumDense projections as in Keras (same weights)."""

import contextlib
import math
import string

import jax
import jax.numpy as jnp

from lamina.core import naming
from lamina.core.layer import Layer, infer_output_spec
from lamina.layers.einsum_dense import EinsumDense
from lamina.layers.kernel_options import kernel_options_config, set_kernel_options
from lamina.layers.regularization import Dropout

_PAD = -1.0e9  # the score of a masked-out position before the softmax


def projection_equation(free, contracted, new):
    """Einsum of a projection: `free` axes pass through, `contracted` axes meet the kernel,
    `new` axes come out of it. Returns (equation, bias axes, output rank)."""
    letters = string.ascii_lowercase
    kept = letters[:free]
    summed = letters[free:free + contracted]
    made = letters[free + contracted:free + contracted + new]
    return f"{kept}{summed},{summed}{made}->{kept}{made}", made, free + new


def attention_equations(rank, attention_axes):
    """(scores equation, combine equation, scores rank) for projected tensors of `rank`
    (batch, ..., heads, channels) attending over `attention_axes`.

    scores = einsum(dot, key, query): (batch dims + heads, query axes, key axes);
    output = einsum(combine, scores, value) in the query's layout.
    """
    letters = string.ascii_lowercase
    target = letters[:rank]
    batch_axes = [i for i in range(rank - 1) if i not in attention_axes]
    source, extra = list(target), iter(letters[rank:])
    for axis in attention_axes:
        source[axis] = next(extra)
    source = "".join(source)
    product = ("".join(target[i] for i in batch_axes)
               + "".join(target[i] for i in attention_axes)
               + "".join(source[i] for i in attention_axes))
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


def _clone(initializer):
    if hasattr(initializer, "get_config"):
        return type(initializer).from_config(initializer.get_config())
    return initializer


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al.): project query, key and value into `num_heads`
    heads, attend with scaled dot products, project back.

    Args:
        num_heads, key_dim: heads and the size of each query/key head.
        value_dim: size of each value head (default key_dim).
        dropout: rate dropped from the attention weights in training.
        use_bias: biases in the projections.
        output_shape: last axes of the output (default: the query's last axis).
        attention_axes: the axes attended over (default: all but batch, heads, features).
        sliding_window: if set, position i attends only to |i - j| < sliding_window.
        use_gate: a sigmoid gate (from the query) multiplies each head's output.
        kernel/bias initializer, regularizer and constraint, activity_regularizer, seed.

    Weights, named as Keras's: query/kernel (dim, heads, key_dim), query/bias (heads,
    key_dim), key/..., value/... (heads, value_dim), attention_output/kernel (heads,
    value_dim, out), attention_output/bias (out,).

    Call: `layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=None, use_causal_mask=False)`; query (batch, T, dim), value/key (batch, S, dim);
    attention_mask (batch, T, S) booleans. Keras masks of query/value/key apply too.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim)):
            if not (value is None and arg == "value_dim") and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"MultiHeadAttention: `{arg}` must be a positive int, got {value!r}.")
        if sliding_window is not None and (not isinstance(sliding_window, int) or sliding_window <= 0):
            raise ValueError(f"MultiHeadAttention: `sliding_window` must be None or a positive "
                             f"int, got {sliding_window!r}.")
        if flash_attention:
            raise ValueError("MultiHeadAttention: flash_attention=True is not supported by lamina.")
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads, self._key_dim = num_heads, key_dim
        self._value_dim = value_dim or key_dim
        self._dropout, self._use_bias, self._use_gate = dropout, use_bias, use_gate
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self._output_shape = tuple(output_shape) if output_shape else None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention: attention_axes must be an int, list or tuple, "
                             f"got {attention_axes!r}.")
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self._sliding_window = sliding_window
        # The projections get these options (activity_regularizer included, as in Keras).
        set_kernel_options(self, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer,
                           kernel_regularizer=kernel_regularizer,
                           bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.seed = seed

    _regularizes_outputs = False  # as Keras: activity_regularizer goes to the projections

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    # The projections live in public attributes (Keras saves them under these names);
    # the private names are Keras's attributes for subclasses.
    _query_dense = property(lambda self: self.query_dense)
    _key_dense = property(lambda self: self.key_dense)
    _value_dense = property(lambda self: self.value_dense)
    _output_dense = property(lambda self: self.output_dense)

    # -- building ---------------------------------------------------------------------------
    def _projection(self, input_rank, contracted, last_dims, name, activation=None):
        equation, bias_axes, rank = projection_equation(input_rank - 1, contracted, len(last_dims))
        return EinsumDense(
            equation, output_shape=[None] * (rank - 1 - len(last_dims)) + list(last_dims),
            bias_axes=bias_axes if self._use_bias else None, activation=activation, name=name,
            kernel_initializer=_clone(self.kernel_initializer),
            bias_initializer=_clone(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError("MultiHeadAttention: `value` and `key` must agree on every axis but "
                             f"the last; got value {tuple(value_shape)} and key {tuple(key_shape)}.")
        heads = self._num_heads
        scope = naming.name_scope(self.name) if naming.current_scope_name() != self.name \
            else contextlib.nullcontext()
        with scope:
            self.query_dense = self._projection(len(query_shape), 1, [heads, self._key_dim], "query")
            self.query_dense.build(query_shape)
            self.key_dense = self._projection(len(key_shape), 1, [heads, self._key_dim], "key")
            self.key_dense.build(key_shape)
            if self._use_gate:
                self._gate_dense = self._projection(len(query_shape), 1, [heads, self._value_dim],
                                                    "gate", activation="sigmoid")
                self._gate_dense.build(query_shape)
            self.value_dense = self._projection(len(value_shape), 1, [heads, self._value_dim],
                                                 "value")
            self.value_dense.build(value_shape)
            rank = len(value_shape) + 1
            axes = self._attention_axes if self._attention_axes is not None \
                else tuple(range(1, rank - 2))
            self._axes = tuple(a if a >= 0 else rank - 1 + a for a in axes)
            self._dot_equation, self._combine_equation, scores_rank = attention_equations(
                rank, self._axes)
            self._norm_axes = tuple(range(scores_rank - len(self._axes), scores_rank))
            self._dropout_layer = Dropout(rate=self._dropout, seed=self.seed, dtype=self.dtype_policy)
            self.output_dense = self._projection(
                len(query_shape), 2, list(self._output_shape or [query_shape[-1]]),
                "attention_output")
            projected = list(self._query_dense.compute_output_shape(query_shape))
            projected[-1] = self._value_dim
            self.output_dense.build(tuple(projected))

    # -- masks ------------------------------------------------------------------------------
    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        """(batch, T, S) booleans, True where a query step may attend to a key step."""
        masks = []
        if query_mask is not None:
            masks.append(jnp.asarray(query_mask).astype(bool)[..., None])
        for m in (value_mask, key_mask):
            if m is not None:
                masks.append(jnp.asarray(m).astype(bool)[..., None, :])
        t, s = query.shape[1], value.shape[1]
        if use_causal_mask:
            masks.append(jnp.tril(jnp.ones((t, s), bool))[None])
        if self._sliding_window is not None:
            distance = jnp.abs(jnp.arange(t)[:, None] - jnp.arange(s)[None, :])
            masks.append((distance < self._sliding_window)[None])
        if attention_mask is not None:
            masks.append(jnp.asarray(attention_mask).astype(bool))
        if not masks:
            return None
        combined = masks[0]
        for m in masks[1:]:
            combined = combined & m
        return combined

    # -- attending --------------------------------------------------------------------------
    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        """Scaled dot-product attention of projected (batch, ..., heads, channels) tensors:
        (output in the query's layout, attention weights (batch, heads, T, S))."""
        query = query * jnp.asarray(1.0 / math.sqrt(self._key_dim), query.dtype)
        scores = jnp.einsum(self._dot_equation, key, query)
        if attention_mask is not None:
            axis = -len(self._axes) * 2 - 1
            while attention_mask.ndim < scores.ndim:
                attention_mask = jnp.expand_dims(attention_mask, axis)
            scores = jnp.where(attention_mask, scores, _PAD)
        if len(self._norm_axes) == 1:
            weights = jax.nn.softmax(scores, axis=self._norm_axes[0])
        else:
            weights = jnp.exp(scores - jax.scipy.special.logsumexp(
                scores, axis=self._norm_axes, keepdims=True))
        # Keras's fused path (no dropout, no scores returned, one attention axis) leaves a
        # row whose keys are all masked uniform; its explicit path zeroes it.
        fused = self._dropout == 0 and not return_attention_scores and query.ndim == 4
        if attention_mask is not None and not fused:
            weights = jnp.where(attention_mask, weights, 0.0)
        dropped = self._dropout_layer(weights, training=training) if self._dropout > 0 else weights
        return jnp.einsum(self._combine_equation, dropped, value), weights

    def _project_key_value(self, key, value):
        """The key and value projected into heads (a subclass may share heads)."""
        return self._key_dense(key), self._value_dense(value)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        if key is None:
            key = value
        mask = self._attention_mask(query, value, query_mask, value_mask, key_mask,
                                    attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self._use_gate else None
        key, value = self._project_key_value(key, value)
        output, scores = self._compute_attention(
            self._query_dense(query), key, value, mask, training, return_attention_scores)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        return (output, scores) if return_attention_scores else output

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        if key_shape is not None and tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError("MultiHeadAttention: `value` and `key` must agree on every axis but "
                             f"the last; got value {tuple(value_shape)} and key {tuple(key_shape)}.")
        if self._output_shape:
            return tuple(query_shape[:-1]) + self._output_shape
        return tuple(query_shape)

    def compute_output_spec(self, *args, **kwargs):
        return infer_output_spec(self.call, args, kwargs)

    def get_config(self):
        return {**super().get_config(), "num_heads": self._num_heads, "key_dim": self._key_dim,
                "value_dim": self._value_dim, "dropout": self._dropout,
                "use_bias": self._use_bias, "use_gate": self._use_gate,
                "output_shape": self._output_shape, "attention_axes": self._attention_axes,
                "sliding_window": self._sliding_window, **kernel_options_config(self),
                "seed": self.seed}
