"""Turning integer indices into the outputs of the categorical layers
(CategoryEncoding, Discretization, Hashing, IntegerLookup): the index itself, a one-hot
vector per index, or one multi-hot / count vector per sample.

Shapes, for `depth` categories: "one_hot" appends a `depth` axis (a trailing axis of
size 1 is replaced); "multi_hot" and "count" fold axis 1 (a rank-1 input is one sample)
into a `depth` axis. A scalar is treated as a rank-1 input of one index.
"""

import jax
import jax.numpy as jnp

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def check_output_mode(layer_name, output_mode, allowed=OUTPUT_MODES):
    if output_mode not in allowed:
        raise ValueError(f"{layer_name}: output_mode must be one of {list(allowed)}; "
                         f"got {output_mode!r}.")


def check_not_sparse(layer_name, sparse):
    if sparse:
        raise ValueError(f"{layer_name}(sparse=True) is not supported by lamina: its arrays "
                         "are dense. Pass sparse=False.")


def encode(indices, output_mode, depth, dtype, count_weights=None):
    """Encode integer `indices` (any rank). Out-of-range indices encode as all zeros."""
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return jax.nn.one_hot(indices, depth, dtype=dtype)
    axis = 1 if indices.ndim > 1 else 0
    hot = jax.nn.one_hot(indices, depth, dtype=dtype if count_weights is None else
                         count_weights.dtype)
    if output_mode == "multi_hot":
        return jnp.max(hot, axis=axis)
    if count_weights is not None:
        hot = hot * jnp.expand_dims(count_weights, -1)
    return jnp.sum(hot, axis=axis)


def encoded_shape(input_shape, output_mode, depth):
    """The shape `encode` returns for inputs of `input_shape`."""
    shape = tuple(input_shape)
    if output_mode == "int":
        return shape
    if not shape:
        shape = (1,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            shape = shape[:-1]
        return shape + (depth,)
    if len(shape) == 1:
        return (depth,)
    return (shape[0],) + shape[2:] + (depth,)
