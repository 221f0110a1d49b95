"""Image layout helpers of `lamina.ops.image` (not public): one float/int batch in
channels_last, and the function that puts a result back in the caller's layout."""

import jax.numpy as jnp

from lamina.ops import _util


def to_channels_last(images, data_format, name=None):
    """(images as (batch, h, w, c), undo) for 3-D/4-D input in either layout; `name`
    (the op) prefixes the rank error."""
    images = jnp.asarray(images)
    if images.ndim not in (3, 4):
        where = f"{name}(): " if name else ""
        raise ValueError(f"{where}expected a 3-D image or a 4-D batch of images; got shape "
                         f"{images.shape}.")
    single = images.ndim == 3
    if single:
        images = images[None]
    first = _util.data_format(data_format) == "channels_first"
    if first:
        images = jnp.transpose(images, (0, 2, 3, 1))

    def undo(out):
        if first:
            out = jnp.transpose(out, (0, 3, 1, 2))
        return out[0] if single else out

    return images, undo


def require_float(images, name):
    """Reject integer/bool images (the op is defined on floats only)."""
    if not jnp.issubdtype(images.dtype, jnp.floating):
        raise ValueError(f"{name}(): images must have a float dtype; got {images.dtype}.")


def require_channels(images, count, name):
    """`images` is channels_last here; its last axis must have `count` entries."""
    if images.shape[-1] != count:
        raise ValueError(f"{name}(): images must have {count} channels; got "
                         f"{images.shape[-1]} (shape {images.shape}).")
