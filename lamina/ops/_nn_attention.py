"""Scaled dot-product attention (grouped heads, masks, causal, logit soft cap)."""

import math as _pymath

import jax
import jax.numpy as jnp

from lamina.ops.dispatch import op


@op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None,
                          is_causal=False, flash_attention=None, attn_logits_soft_cap=None):
    """softmax(query . key * scale + bias) . value.

    query: (B, T, N, H); key, value: (B, S, K, H) with K dividing N (grouped heads).
    bias and the boolean mask (True = attend) broadcast to (B, N, T, S). scale defaults
    to 1 / sqrt(H). `is_causal` lets position t attend only to s <= t.
    Logits and softmax are computed in float32 at least.
    """
    if flash_attention:
        raise ValueError("dot_product_attention(..., flash_attention=True) is not supported "
                         "by lamina; use flash_attention=None.")
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    batched = query.ndim == 4
    if not batched:
        query, key, value = query[None], key[None], value[None]
    heads, kv_heads = query.shape[2], key.shape[2]
    if heads % kv_heads:
        raise ValueError(f"dot_product_attention(): {heads} query heads are not a multiple "
                         f"of {kv_heads} key/value heads.")
    key = jnp.repeat(key, heads // kv_heads, axis=2)
    value = jnp.repeat(value, heads // kv_heads, axis=2)
    scale = 1.0 / _pymath.sqrt(query.shape[-1]) if scale is None else scale
    logits_dtype = jnp.promote_types(query.dtype, jnp.float32)
    logits = jnp.einsum("btnh,bsnh->bnts", query, key, preferred_element_type=logits_dtype)
    logits = logits * jnp.asarray(scale, logits_dtype)
    if attn_logits_soft_cap is not None:
        logits = attn_logits_soft_cap * jnp.tanh(logits / attn_logits_soft_cap)
    if bias is not None:
        logits = logits + jnp.asarray(bias, logits_dtype)
    allowed = None if mask is None else jnp.asarray(mask, bool)
    if is_causal:
        causal = jnp.tril(jnp.ones(logits.shape[-2:], bool))
        allowed = causal if allowed is None else allowed & causal
    if allowed is not None:
        logits = jnp.where(allowed, logits, -0.7 * jnp.finfo(logits_dtype).max)
    probs = jax.nn.softmax(logits.astype(jnp.float32), axis=-1).astype(key.dtype)
    out = jnp.einsum("bnts,bsnh->btnh", probs, value)
    return out if batched else out[0]
