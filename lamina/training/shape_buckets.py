"""Shape buckets: a few batch sizes that every inference request is padded up to.

A compiled function is specialised to its input shapes, so a service answering requests of
every size would compile once per size. Rows of a row-independent model do not affect each
other, so a request of n rows is padded with zero rows up to the next power of two, run,
and its outputs cut back to n rows; and a run of full batches is split into windows of
1, 2, 4, ... 64 batches. A few dozen compilations then serve any sizes.
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.core import tree

MAX_WINDOW = 64  # batches per compiled predict call, at most


def bucket_rows(n):
    """The padded size of an n-row request: the next power of two (n >= 1)."""
    return 1 << max(0, int(n) - 1).bit_length()


def windows(num_batches):
    """Window lengths (in batches) covering `num_batches`: as many MAX_WINDOWs as fit,
    then the binary decomposition of the rest, largest first."""
    out = [MAX_WINDOW] * (num_batches // MAX_WINDOW)
    rest = num_batches % MAX_WINDOW
    bit = MAX_WINDOW >> 1
    while rest:
        if rest & bit:
            out.append(bit)
            rest -= bit
        bit >>= 1
    return out


def pad_rows(x, rows):
    """Every array of `x` padded with zero rows (axis 0) up to `rows`."""
    def pad(a):
        if a is None or a.shape[0] == rows:
            return a
        extra = (rows - a.shape[0],) + tuple(a.shape[1:])
        if isinstance(a, jax.Array):
            return jnp.concatenate([a, jnp.zeros(extra, a.dtype)])
        return np.concatenate([a, np.zeros(extra, a.dtype)])
    return tree.map_structure(pad, x)


def take_rows(out, n, rows):
    """The first n rows (as NumPy arrays) of every output whose leading size is the padded
    `rows`. Cut on the host: slicing a device array would compile once per n."""
    return jax.tree_util.tree_map(
        lambda a: np.asarray(a)[:n] if getattr(a, "ndim", 0) and a.shape[0] == rows else a,
        out)
