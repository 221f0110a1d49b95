"""Cheap counter-based random bits for dropout masks.

XLA:CPU's threefry costs more than the matmuls of a small MLP step. Dropout only needs
independent-looking bits, so it hashes (element index, seed state) with the murmur3
finalizer: a few integer ops per element that fuse into the masking.
"""

import jax
import jax.numpy as jnp

_GOLDEN = 0x9E3779B9


def _fmix32(h):
    h = h ^ (h >> 16)
    h = h * jnp.uint32(0x85EBCA6B)
    h = h ^ (h >> 13)
    h = h * jnp.uint32(0xC2B2AE35)
    return h ^ (h >> 16)


def hash_bits(state, shape):
    """uint32 bits of `shape` from a uint32[2] seed state (e.g. a SeedGenerator's)."""
    state = jnp.asarray(state, jnp.uint32)
    key = _fmix32(state[0] ^ _fmix32(state[1] + jnp.uint32(_GOLDEN)))
    size = 1
    for d in shape:
        size *= d
    index = jax.lax.iota(jnp.uint32, size).reshape(shape)
    return _fmix32(index * jnp.uint32(_GOLDEN) + key)


def keep_mask(state, shape, keep_prob):
    """Boolean mask, True with probability `keep_prob` (to 2**-32)."""
    threshold = jnp.uint32(min(int(keep_prob * 2.0**32), 2**32 - 1))
    return hash_bits(state, shape) < threshold
