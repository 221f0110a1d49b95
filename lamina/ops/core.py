"""`keras.ops` core: dtypes and conversion, control flow, slicing, scatter.

Control-flow ops (`cond`, `while_loop`, `fori_loop`, `scan`, `map`, `switch`,
`vectorized_map`) are `jax.lax` / `jax.vmap` with Keras's argument names, so they
compile to a single XLA loop or branch under `jit`.
"""

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.core.keras_tensor import KerasTensor
from lamina.core.variable import Variable
from lamina.ops import _util
from lamina.ops.dispatch import op

# ---------------------------------------------------------------------------
# Dtypes and conversion
# ---------------------------------------------------------------------------


def _has_float(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_float(i) for i in x)
    return False



@op
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`x` (array-like, Variable, nested lists) as a jax array.

    Python floats become floatx(), Python ints int32. `sparse=True` and
    `ragged=True` are not supported (lamina arrays are dense).
    """
    _util.reject_sparse(sparse, "convert_to_tensor")
    if ragged:
        raise ValueError("convert_to_tensor(..., ragged=True) is not supported by lamina: "
                         "its arrays are dense. Pad the data to a rectangular shape.")
    if dtype is None and _has_float(x):
        dtype = config.floatx()
    if dtype is None:
        return jnp.asarray(x)
    dtype = standardize_dtype(dtype)
    if dtype == "bfloat16" and not isinstance(x, jax.Array):
        return jnp.asarray(x).astype(dtype)
    return jnp.asarray(x, dtype=dtype)


@op
def cast(x, dtype):
    """`x` converted to `dtype` (a name like "float32" or a dtype object).

    Examples:
        >>> keras.ops.cast(np.array([1.7, -1.7]), "int32").tolist()
        [1, -1]
    """
    return jnp.asarray(x).astype(standardize_dtype(dtype))


@op
def saturate_cast(x, dtype):
    """Cast to `dtype`, clamping values outside its range to its min/max (NaN stays NaN
    for float targets)."""
    dtype = jnp.dtype(standardize_dtype(dtype))
    x = jnp.asarray(x)
    if dtype == jnp.bool_ or jnp.issubdtype(dtype, jnp.complexfloating):
        return x.astype(dtype)
    info = jnp.iinfo(dtype) if jnp.issubdtype(dtype, jnp.integer) else jnp.finfo(dtype)
    lo, hi = info.min, info.max
    if x.dtype == jnp.bool_:
        return x.astype(dtype)
    if jnp.issubdtype(x.dtype, jnp.integer):
        src = jnp.iinfo(x.dtype)
        lo, hi = max(int(lo), int(src.min)), min(int(hi), int(src.max))
    else:
        src = jnp.finfo(x.dtype)
        lo, hi = max(float(lo), float(src.min)), min(float(hi), float(src.max))
    converted = x.astype(dtype)
    converted = jnp.where(x <= lo, jnp.asarray(info.min, dtype), converted)
    return jnp.where(x >= hi, jnp.asarray(info.max, dtype), converted)


def convert_to_numpy(x):
    """`x` as a NumPy array. Not an op: symbolic tensors and traced values have no data."""
    if isinstance(x, KerasTensor):
        raise ValueError("convert_to_numpy() got a symbolic KerasTensor, which has no value.")
    if isinstance(x, Variable):
        return x.numpy()
    if isinstance(x, jax.core.Tracer):
        raise ValueError("convert_to_numpy() cannot be used inside a jit-compiled function.")
    return np.asarray(x)


def shape(x):
    """The shape of `x` as a tuple of ints. Not an op.

    For a symbolic KerasTensor unknown dimensions are None; for arrays, Variables and
    traced values (whose shapes are static in JAX) every entry is an int.
    """
    if isinstance(x, (KerasTensor, Variable)):
        return tuple(x.shape)
    return tuple(int(d) for d in jnp.shape(x))


def dtype(x):
    """The dtype name of `x`, e.g. "float32". Not an op."""
    if isinstance(x, (KerasTensor, Variable)) or hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    return standardize_dtype(jnp.asarray(x).dtype)


def is_tensor(x):
    """True for jax arrays (also traced ones inside `jit`). Not an op."""
    return isinstance(x, jax.Array)


@op
def stop_gradient(variable):
    """`variable` unchanged, but treated as a constant by differentiation."""
    return jax.lax.stop_gradient(variable)


# ---------------------------------------------------------------------------
# Indexing, slicing, scatter
# ---------------------------------------------------------------------------

@op
def getitem(x, key):
    """`x[key]` with NumPy indexing (ints, slices, None, Ellipsis, index/bool arrays)."""
    if isinstance(key, list):  # from a config, a tuple key reads back as a list
        parts = [k for k in key if k is None or k is Ellipsis or isinstance(k, builtins.slice)]
        key = tuple(key) if parts else jnp.asarray(key)
    return jnp.asarray(x)[key]


@op
def slice(inputs, start_indices, shape):
    """The block of `shape` starting at `start_indices` (which may be traced)."""
    return jax.lax.dynamic_slice(inputs, tuple(start_indices), tuple(shape))


@op
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block starting at `start_indices` replaced by `updates`."""
    inputs = jnp.asarray(inputs)
    updates = jnp.asarray(updates, inputs.dtype)
    return jax.lax.dynamic_update_slice(inputs, updates, tuple(start_indices))


def _index_tuple(indices):
    """(N, k) index array -> a k-tuple of (N,) arrays for `.at[]`."""
    indices = jnp.asarray(indices)
    return tuple(jnp.moveaxis(indices, -1, 0))


@op
def scatter(indices, values, shape):
    """A zeros array of `shape` with `values` added at `indices` (N, k); duplicates sum.

    `values` has shape (N,) + shape[k:].

    Examples:
        >>> keras.ops.scatter(np.array([[0, 1], [1, 0], [0, 1]]), np.array([1.0, 2.0, 3.0]),
        ...                   (2, 2)).tolist()
        [[0.0, 4.0], [2.0, 0.0]]
    """
    values = jnp.asarray(values)
    return jnp.zeros(tuple(shape), values.dtype).at[_index_tuple(indices)].add(values)


@op
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with `updates` written at `indices` (N, k).

    `reduction` None overwrites; "add", "mul", "max" or "min" combine instead.
    """
    at = jnp.asarray(inputs).at[_index_tuple(indices)]
    methods = {None: at.set, "add": at.add, "mul": at.multiply, "max": at.max,
               "min": at.min}
    if reduction not in methods:
        raise ValueError(f"scatter_update(): unknown reduction {reduction!r}; expected None, "
                         "'add', 'mul', 'max' or 'min'.")
    return methods[reduction](updates)


@op
def unstack(x, num=None, axis=0):
    """A list of the slices of `x` along `axis`."""
    x = jnp.asarray(x)
    n = x.shape[axis]
    if num is not None and num != n:
        raise ValueError(f"unstack(): num={num} but axis {axis} has size {n}.")
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(n)]


# ---------------------------------------------------------------------------
# Control flow
# ---------------------------------------------------------------------------

@op
def cond(pred, true_fn, false_fn):
    """`true_fn()` if `pred` else `false_fn()`; both must return the same structure."""
    return jax.lax.cond(pred, true_fn, false_fn)


@op
def switch(index, branches, *operands):
    """`branches[index](*operands)`; `index` is clamped to the valid range."""
    return jax.lax.switch(index, branches, *operands)


@op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`.

    A tuple/list `loop_vars` is unpacked into the calls and a tuple comes back; any
    other value is passed as one argument. `maximum_iterations` caps the loop.
    """
    packed = isinstance(loop_vars, (tuple, list))
    state = (tuple(loop_vars) if packed else (loop_vars,), 0)

    def keep_going(s):
        go = cond(*s[0])
        if maximum_iterations is not None:
            go = jnp.logical_and(go, s[1] < maximum_iterations)
        return go

    def step(s):
        out = body(*s[0])
        return (tuple(out) if packed else (out,), s[1] + 1)

    result, _ = jax.lax.while_loop(keep_going, step, state)
    return result if packed else result[0]


@op
def fori_loop(lower, upper, body_fun, init_val):
    """`val = body_fun(i, val)` for i in [lower, upper)."""
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


@op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """`lax.scan`: `carry, y = f(carry, x)` over the leading axis of `xs`.

    Returns (final carry, stacked ys).
    """
    return jax.lax.scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)


@op
def associative_scan(f, elems, reverse=False, axis=0):
    """Prefix scan with an associative binary `f` (e.g. a cumulative sum) along `axis`."""
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


@op
def map(f, xs):
    """`f` applied to each slice of `xs` along its leading axis, results stacked."""
    return jax.lax.map(f, xs)


@op
def vectorized_map(function, elements):
    """`function` mapped over the leading axis of `elements` (a batched `jax.vmap`)."""
    return jax.vmap(function)(elements)


def custom_gradient(f):
    """Decorator: `f(*args)` returns `(output, grad_fn)`, where `grad_fn(upstream)`
    returns the gradient(s) for `args`. Not an op itself; the function it returns is.
    """
    fn = jax.custom_gradient(f)

    def with_custom_gradient(*args, **kwargs):
        return fn(*args, **kwargs)

    with_custom_gradient.__name__ = getattr(f, "__name__", "custom_gradient")
    with_custom_gradient.__doc__ = f.__doc__
    return op(with_custom_gradient)
