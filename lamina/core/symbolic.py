"""Symbolic shape helpers: shapes of nested inputs, and output KerasTensors inferred by
running a layer's `call` abstractly (`jax.eval_shape`) on its symbolic inputs."""

import jax
import numpy as np

from lamina.core import call_context, tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.stateless_scope import StatelessScope
from lamina.core.symbolic_scope import SymbolicScope


def _has_keras_tensor(x):
    if isinstance(x, KerasTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_keras_tensor(i) for i in x)
    if isinstance(x, dict):
        return any(_has_keras_tensor(i) for i in x.values())
    return False


def shape_structure(x):
    """Shapes of a (nested) input: a tuple for one tensor, lists/dicts of tuples otherwise."""
    if isinstance(x, (list, tuple)):
        return [shape_structure(i) for i in x]
    if isinstance(x, dict):
        return {k: shape_structure(v) for k, v in x.items()}
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return None


def is_shape(x):
    """True for one shape: a tuple/list of ints and Nones (not a structure of shapes)."""
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in x)


class _NoOutputShape(Exception):
    pass


def _shapes_to_keras_tensors(shapes, dtype):
    if is_shape(shapes):
        return KerasTensor(tuple(shapes), dtype=dtype)
    if isinstance(shapes, dict):
        return {k: _shapes_to_keras_tensors(v, dtype) for k, v in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(_shapes_to_keras_tensors(s, dtype) for s in shapes)
    raise ValueError(f"compute_output_shape returned an unrecognised value: {shapes!r}")


def infer_output_spec(fn, args, kwargs):
    """Run `fn(*args, **kwargs)` abstractly (jax.eval_shape) with KerasTensors as inputs.

    Unknown dims (None) are tried with two sizes; a dim that follows them stays None.
    Variable assignments made by `fn` are discarded.
    """
    symbolic = [t for t in tree.flatten([list(args), kwargs]) if isinstance(t, KerasTensor)]
    has_unknown = any(d is None for t in symbolic for d in t.shape)

    def run(size):
        structs = [jax.ShapeDtypeStruct(tuple(size if d is None else d for d in t.shape), t.dtype)
                   for t in symbolic]

        def pure(*values):
            by_id = {id(t): v for t, v in zip(symbolic, values)}
            sub = lambda x: by_id[id(x)] if isinstance(x, KerasTensor) else x
            a = tree.map_structure(sub, args)
            k = tree.map_structure(sub, kwargs)
            prev = call_context.enter(k.get("training"))
            try:
                with StatelessScope(), call_context.LossCollector(), SymbolicScope():
                    return fn(*a, **k)
            finally:
                call_context.leave(prev)

        return jax.eval_shape(pure, *structs)

    out_a = run(2)
    out_b = run(3) if has_unknown else out_a

    def to_kt(a, b):
        shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
        return KerasTensor(shape, dtype=a.dtype)

    return _map_pair(to_kt, out_a, out_b)


def _map_pair(fn, a, b):
    if isinstance(a, (list, tuple)):
        return type(a)(_map_pair(fn, x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: _map_pair(fn, a[k], b[k]) for k in a}
    if a is None:
        return None
    return fn(a, b)
