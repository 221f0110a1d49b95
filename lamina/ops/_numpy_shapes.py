"""NumPy shape ops: reshape, transpose, join, split, repeat, flip, pad, take and indexing."""

import builtins

import jax.numpy as jnp

from lamina.ops import _util
from lamina.ops._util import axis_arg as _axis
from lamina.ops.core import getitem
from lamina.ops.dispatch import op


@op
def reshape(x, newshape):
    """`x` with a new shape (one entry may be -1)."""
    if isinstance(newshape, int):
        newshape = (newshape,)
    return jnp.reshape(x, tuple(newshape))


@op
def transpose(x, axes=None):
    """Permute axes; reverses them when `axes` is None."""
    return jnp.transpose(x, axes)


@op
def expand_dims(x, axis):
    """Insert size-1 axes at `axis` (an int or a tuple)."""
    return jnp.expand_dims(x, _axis(axis))


@op
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them when `axis` is None)."""
    return jnp.squeeze(x, _axis(axis))


@op
def ravel(x):
    """The flattened 1-D array."""
    return jnp.ravel(x)


@op
def broadcast_to(x, shape):
    """`x` broadcast to `shape`."""
    return jnp.broadcast_to(x, tuple(shape))


@op
def moveaxis(x, source, destination):
    """Move axes `source` to positions `destination`."""
    return jnp.moveaxis(x, source, destination)


@op
def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    return jnp.swapaxes(x, axis1, axis2)


@op
def concatenate(xs, axis=0):
    """Join a sequence of arrays along an existing axis (flattened when axis is None)."""
    return jnp.concatenate(list(xs), axis=axis)


@op
def stack(x, axis=0):
    """Join a sequence of same-shape arrays along a new axis."""
    return jnp.stack(list(x), axis=axis)


@op
def append(x1, x2, axis=None):
    """`x2` appended to `x1` along `axis` (both flattened when None)."""
    return jnp.append(x1, x2, axis=axis)


@op
def vstack(xs):
    """Stack row-wise (along axis 0, 1-D inputs become rows)."""
    return jnp.vstack(list(xs))


@op
def hstack(xs):
    """Stack column-wise (along axis 1; axis 0 for 1-D inputs)."""
    return jnp.hstack(list(xs))


@op
def dstack(xs):
    """Stack along the third axis."""
    return jnp.dstack(list(xs))


def _split(name, jfn, doc, with_axis):
    if with_axis:
        def fn(x, indices_or_sections, axis=0):
            return jfn(x, _sections(indices_or_sections), axis=axis)
    else:
        def fn(x, indices_or_sections):
            return jfn(x, _sections(indices_or_sections))
    return _util.make_op(name, fn, doc + " Returns a list.", __name__)


def _sections(value):
    return value if isinstance(value, int) else [int(i) for i in value]


split = _split("split", jnp.split, "Split into equal sections or at the given indices.", True)
array_split = _split("array_split", jnp.array_split,
                     "Split into `n` nearly equal sections (or at indices).", True)
hsplit = _split("hsplit", jnp.hsplit, "Split along axis 1 (axis 0 for 1-D).", False)
vsplit = _split("vsplit", jnp.vsplit, "Split along axis 0.", False)
dsplit = _split("dsplit", jnp.dsplit, "Split along axis 2.", False)


@op
def tile(x, repeats):
    """Repeat the whole array `repeats` times per axis."""
    return jnp.tile(x, repeats)


@op
def repeat(x, repeats, axis=None):
    """Repeat each element `repeats` times along `axis` (flattened when None).

    `repeats` is an int or one count per element; under `jit` the counts must be
    Python ints (the output size depends on them).
    """
    if isinstance(repeats, (list, tuple)):
        counts = [int(r) for r in repeats]
        if len(counts) > 1:
            return jnp.repeat(x, jnp.asarray(counts, "int32"), axis=axis,
                              total_repeat_length=builtins.sum(counts))
        repeats = counts[0]
    return jnp.repeat(x, repeats, axis=axis)


@op
def flip(x, axis=None):
    """Reverse the order of elements along `axis` (all axes when None)."""
    return jnp.flip(x, _axis(axis))


@op
def fliplr(x):
    """Reverse along axis 1."""
    return jnp.fliplr(x)


@op
def flipud(x):
    """Reverse along axis 0."""
    return jnp.flipud(x)


@op
def roll(x, shift, axis=None):
    """Shift elements cyclically by `shift` along `axis` (flattened when None)."""
    return jnp.roll(x, shift, _axis(axis))


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `axes`."""
    return jnp.rot90(array, k=k, axes=tuple(axes))


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with `pad_width` ((before, after) per axis, or one pair / int for all).

    `constant_values` is only valid with mode="constant" (default 0).
    """
    mode = mode.lower()
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(
                f"pad(): `constant_values` can only be used with mode='constant'; "
                f"got mode={mode!r}.")
        return jnp.pad(x, pad_width, mode="constant", constant_values=constant_values)
    return jnp.pad(x, pad_width, mode=mode)


@op
def take(x, indices, axis=None):
    """Elements of `x` at `indices` along `axis` (flattened when None).

    Negative indices count from the end.
    """
    x = jnp.asarray(x)
    indices = jnp.asarray(indices)
    size = x.size if axis is None else x.shape[axis]
    indices = jnp.where(indices < 0, indices + size, indices)
    return jnp.take(x, indices, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """Pick values along `axis` with an index array shaped like `x` (broadcastable)."""
    x = jnp.asarray(x)
    indices = jnp.asarray(indices)
    if axis is None:
        return jnp.take_along_axis(x.ravel(), indices.ravel(), axis=0)
    axis = axis % x.ndim
    # jax.numpy requires equal ranks; broadcast every axis but `axis` like Keras does.
    shape = list(jnp.broadcast_shapes(
        x.shape[:axis] + (1,) + x.shape[axis + 1:],
        indices.shape[:axis] + (1,) + indices.shape[axis + 1:]))
    x = jnp.broadcast_to(x, tuple(shape[:axis] + [x.shape[axis]] + shape[axis + 1:]))
    indices = jnp.broadcast_to(
        indices, tuple(shape[:axis] + [indices.shape[axis]] + shape[axis + 1:]))
    indices = jnp.where(indices < 0, indices + x.shape[axis], indices)
    return jnp.take_along_axis(x, indices, axis=axis)


get_item = getitem


@op
def size(x):
    """The number of elements of `x` (a Python int)."""
    return int(jnp.size(x))


def ndim(x):
    """The number of axes of `x` (a Python int). Not an op: it needs only the shape."""
    return len(x.shape) if hasattr(x, "shape") else jnp.ndim(x)
