"""NumPy sorting, searching and counting, plus diff, correlation, trapezoid, view, vectorize."""

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.ops import _util
from lamina.ops._util import to_float
from lamina.ops.dispatch import op


@op
def sort(x, axis=-1):
    """Sorted copy along `axis` (flattened when None)."""
    return jnp.sort(x, axis=axis)


@op
def argsort(x, axis=-1):
    """Indices (int32) that sort `x` along `axis` (flattened when None)."""
    return jnp.argsort(x, axis=axis).astype("int32")


@op
def argpartition(x, kth, axis=-1):
    """Indices that partially sort `x` so the `kth` element is in its sorted place."""
    return jnp.argpartition(x, kth, axis=axis).astype("int32")


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices (int32) of `values` into the 1-D `sorted_sequence`."""
    sorted_sequence = jnp.asarray(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            f"searchsorted() needs a 1-D sorted_sequence; got shape {sorted_sequence.shape}.")
    return jnp.searchsorted(sorted_sequence, values, side=side).astype("int32")


@op
def digitize(x, bins):
    """Index (int32) of the bin each value falls in."""
    return jnp.digitize(x, bins).astype("int32")


@op
def nonzero(x):
    """A tuple of index arrays (int32), one per axis, where `x` is non-zero.

    The output size depends on the values, so this does not run under `jit`.
    """
    return tuple(i.astype("int32") for i in jnp.nonzero(x))


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The distinct values of `x` (sorted), optionally with index/inverse/counts.

    Under `jit` pass `size` (padded with `fill_value`, default the smallest value).
    """
    return jnp.unique(x, return_index=return_index, return_inverse=return_inverse,
                      return_counts=return_counts, axis=axis, size=size,
                      fill_value=fill_value)


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count (or sum `weights` of) each non-negative integer value; 2-D input counts per row.

    The length is max(x) + 1 or `minlength`, so under `jit` set `minlength`, which
    then is the exact length.
    """
    _util.reject_sparse(sparse, "bincount")
    x = jnp.asarray(x)
    if isinstance(x, jax.core.Tracer):
        if not minlength:
            raise ValueError("bincount() under jit needs `minlength` (the output length).")
        length = minlength
    else:
        # x holds concrete values here; read its maximum on the host.
        length = builtins.max(int(np.max(np.asarray(x))) + 1 if x.size else 0, minlength)

    def count(row, w):
        return jnp.bincount(row, weights=w, minlength=length, length=length)

    if x.ndim == 2:
        if weights is None:
            return jax.vmap(lambda r: count(r, None))(x)
        return jax.vmap(count)(x, jnp.asarray(weights))
    return count(x, weights)


@op
def histogram(x, bins=10, range=None):
    """(counts, bin_edges) of the 1-D `x` over `bins` equal bins within `range`."""
    x = jnp.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"histogram() needs a 1-D input; got shape {x.shape}.")
    return jnp.histogram(x, bins=bins, range=range)


@op
def diff(a, n=1, axis=-1):
    """`n`-th discrete difference along `axis`."""
    return jnp.diff(a, n=n, axis=axis)


@op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D arrays; mode is 'valid', 'same' or 'full'."""
    return jnp.correlate(to_float(x1), to_float(x2), mode=mode)


@op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of `x`."""
    return jnp.corrcoef(to_float(x))


@op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule."""
    return jnp.trapezoid(to_float(y), x=x, dx=dx, axis=axis)


@op
def unravel_index(indices, shape):
    """A tuple of coordinate arrays for flat `indices` into an array of `shape`."""
    return tuple(jnp.unravel_index(indices, tuple(shape)))


@op
def view(x, dtype=None):
    """The same bytes seen as `dtype` (the last axis scales with the item size)."""
    x = jnp.asarray(x)
    return x if dtype is None else x.view(standardize_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """`jax.numpy.vectorize`: turn a function of scalars (or core shapes) into one that
    broadcasts. Not an op: it returns a function."""
    return jnp.vectorize(pyfunc, excluded=excluded or frozenset(), signature=signature)
