"""NumPy twin of `encoding.encode` for the host-side layers: integer indices to
"int", "one_hot", "multi_hot", "count" or "tf_idf" outputs, same shapes and rules
(out-of-range indices, e.g. the -1 of a dropped mask token, encode as zeros)."""

import numpy as np


def encode(indices, output_mode, depth, dtype, idf_weights=None):
    """Encode integer `indices` (any rank; see lamina/layers/preprocessing/encoding.py)."""
    indices = np.asarray(indices)
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices[None]
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        out = (indices[..., None] == np.arange(depth)).astype(dtype)
        return out
    if indices.ndim == 1:
        folded, lead = indices[None, :], ()
    else:
        moved = np.moveaxis(indices, 1, -1)
        lead = moved.shape[:-1]
        folded = moved.reshape(-1, moved.shape[-1])
    rows = folded.shape[0]
    valid = (folded >= 0) & (folded < depth)
    flat = (np.arange(rows)[:, None] * depth + folded)[valid]
    counts = np.bincount(flat, minlength=rows * depth).reshape(rows, depth)
    if output_mode == "multi_hot":
        out = (counts > 0).astype(dtype)
    elif output_mode == "count":
        out = counts.astype(dtype)
    elif output_mode == "tf_idf":
        out = (counts * np.asarray(idf_weights)[:depth]).astype(dtype)
    else:
        raise ValueError(f"Unknown output_mode {output_mode!r}.")
    return out.reshape(lead + (depth,)) if lead else out[0]
