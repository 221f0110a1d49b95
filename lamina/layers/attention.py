"""Attention (Luong-style dot product or concat scores) and AdditiveAttention (Bahdanau)."""

import jax
import jax.numpy as jnp

from lamina.core.layer import Layer, infer_output_spec
from lamina.random.hash_bits import keep_mask
from lamina.random.seed_generator import SeedGenerator

_PAD = 1.0e9  # subtracted from the scores of masked-out keys


def _check_inputs(layer, inputs, mask=None):
    name = type(layer).__name__
    if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
        raise ValueError(f"{name} '{layer.name}' must be called on a list [query, value] or "
                         f"[query, value, key]; got {inputs!r}.")
    if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
        raise ValueError(f"{name} '{layer.name}': mask must be a list [query_mask, value_mask]; "
                         f"got {mask!r}.")


class Attention(Layer):
    """Dot-product attention: `softmax(scores(query, key)) @ value`.

    Call on `[query (batch, Tq, dim), value (batch, Tv, dim)]` or with a key as third
    item (default: the value). Output (batch, Tq, dim); with return_attention_scores=True
    also the (batch, Tq, Tv) weights.

    Args:
        use_scale: learn a scalar `scale` multiplying the scores.
        score_mode: "dot" (query . key) or "concat" (sum(tanh(query + key)), weighted by a
            learned scalar `concat_score_weight`).
        dropout: rate dropped from the attention weights in training. seed: its seed.

    Masks: `mask=[query_mask, value_mask]` ((batch, Tq), (batch, Tv)); masked values get
    no weight, masked query steps output zeros. use_causal_mask=True lets step i attend
    only to steps <= i.
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__} '{self.name}': score_mode must be 'dot' or "
                             f"'concat', got {score_mode!r}.")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if dropout > 0 else None

    def build(self, input_shape):
        _check_inputs(self, input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(),
                                                       initializer="ones")

    def _scores(self, query, key):
        """(batch, Tq, Tv) scores."""
        if self.score_mode == "dot":
            scores = query @ jnp.swapaxes(key, -2, -1)
            return scores if self.scale is None else scores * self.scale.value
        summed = query[..., :, None, :] + key[..., None, :, :]
        if self.scale is not None:
            summed = self.scale.value * summed
        return self.concat_score_weight.value * jnp.sum(jnp.tanh(summed), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        _check_inputs(self, inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        allowed = None if value_mask is None else value_mask[..., None, :].astype(bool)
        if use_causal_mask:
            causal = jnp.tril(jnp.ones(scores.shape[-2:], bool))
            allowed = causal if allowed is None else allowed & causal
        if allowed is not None:
            scores = jnp.where(allowed, scores, scores - _PAD)
        weights = jax.nn.softmax(scores, axis=-1)
        if training and 0 < self.dropout < 1:
            keep = keep_mask(self.seed_generator.next_state(), weights.shape, 1.0 - self.dropout)
            weights = jnp.where(keep, weights / (1.0 - self.dropout), 0.0)
        output = weights @ value
        if query_mask is not None:
            output = jnp.where(query_mask[..., None], output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        _check_inputs(self, inputs, mask)
        return None if mask is None or mask[0] is None else mask[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def compute_output_spec(self, inputs, **kwargs):
        _check_inputs(self, inputs, kwargs.get("mask"))
        return infer_output_spec(self.call, (inputs,), kwargs)  # scores too, when asked

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention: scores `sum(scale * tanh(query + key))` with a
    learned (dim,) `scale` (use_scale=True, the default)."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        _check_inputs(self, input_shape)
        self.concat_score_weight = None
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")

    def _scores(self, query, key):
        summed = jnp.tanh(query[..., :, None, :] + key[..., None, :, :])
        if self.scale is not None:
            summed = self.scale.value * summed
        return jnp.sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
