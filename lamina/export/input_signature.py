"""Input signatures: the shapes and dtypes an exported endpoint accepts.

A signature is a structure (list, tuple, dict, nested) whose leaves are `TensorSpec`s.
Users may give `keras.InputSpec`s, `KerasTensor`s, arrays, `jax.ShapeDtypeStruct`s or
`tf.TensorSpec`s as leaves; `to_specs` turns them all into `TensorSpec`.
"""

import jax
import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.core.input_spec import InputSpec
from lamina.core.keras_tensor import KerasTensor


class TensorSpec:
    """One input: `shape` (a tuple, None for a free axis), `dtype` name, optional `name`."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.name = name

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype='{self.dtype}', name={self.name!r})"

    def get_config(self):
        return {"shape": list(self.shape), "dtype": self.dtype, "name": self.name}


def _leaf_to_spec(leaf):
    if isinstance(leaf, TensorSpec):
        return leaf
    if isinstance(leaf, InputSpec):
        if leaf.shape is None:
            raise ValueError(f"input_signature: an InputSpec needs a `shape`, got {leaf!r}.")
        return TensorSpec(leaf.shape, leaf.dtype or "float32", leaf.name)
    if isinstance(leaf, KerasTensor):
        return TensorSpec(leaf.shape, leaf.dtype, leaf.name)
    shape = getattr(leaf, "shape", None)
    dtype = getattr(leaf, "dtype", None)
    if shape is None or dtype is None:
        raise TypeError(
            "input_signature: each leaf must be a keras.InputSpec, a KerasTensor, an array, "
            f"a jax.ShapeDtypeStruct or a tf.TensorSpec; received {leaf!r} "
            f"(type {type(leaf).__name__}).")
    if hasattr(shape, "as_list"):  # tf.TensorShape
        shape = shape.as_list()
    return TensorSpec(tuple(shape), getattr(dtype, "name", dtype), getattr(leaf, "name", None))


def _is_leaf(x):
    return not isinstance(x, (list, tuple, dict))


def to_specs(signature):
    """The signature with every leaf a TensorSpec (lists, tuples and dicts kept)."""
    return jax.tree_util.tree_map(_leaf_to_spec, signature, is_leaf=_is_leaf)


def flatten(signature):
    return jax.tree_util.tree_leaves(signature, is_leaf=lambda x: isinstance(x, TensorSpec))


def default_signature(model):
    """The signature Keras derives for `model.export`: a list of one structure of inputs
    (a functional model's input structure, or the shapes a subclassed model was built on)."""
    functional = getattr(model, "_functional", None) or model
    inputs = getattr(functional, "_inputs_struct", None)
    if inputs is not None:
        return [to_specs(inputs)]
    shapes = getattr(model, "_build_shapes", None)
    if shapes is None:
        raise ValueError(
            f"Model '{model.name}' has no known input shapes: call it on data or `build()` it "
            "before exporting, or pass `input_signature`.")

    def is_shape(x):
        return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)

    specs = jax.tree_util.tree_map(lambda s: TensorSpec((None,) + tuple(s)[1:]), shapes,
                                   is_leaf=is_shape)
    return [specs]


def check_matches(model, signature):
    """Raise a ValueError naming the input when `signature` cannot feed `model`."""
    try:
        expected = default_signature(model)
    except ValueError:
        return  # nothing known to compare with; tracing will tell
    expected_leaves, got_leaves = flatten(expected), flatten(signature)
    if len(expected_leaves) != len(got_leaves):
        raise ValueError(
            f"input_signature does not match model '{model.name}': it expects "
            f"{len(expected_leaves)} input(s) {_shapes(expected_leaves)}, received "
            f"{len(got_leaves)}: {_shapes(got_leaves)}.")
    for i, (want, got) in enumerate(zip(expected_leaves, got_leaves)):
        fits = len(want.shape) == len(got.shape) and all(
            w is None or w == g for w, g in zip(want.shape, got.shape))
        if not fits:
            name = want.name or f"#{i}"
            raise ValueError(
                f"input_signature does not match model '{model.name}': input '{name}' expects "
                f"shape {want.shape}, received shape {got.shape}.")


def _shapes(leaves):
    return [s.shape for s in leaves]


def symbolic_structs(signature):
    """`jax.ShapeDtypeStruct`s for the signature's leaves: axis 0 of every input is one
    shared symbolic batch size "batch"; other free axes get their own symbols."""
    scope = jax.export.SymbolicScope()
    counter = iter(range(1_000_000))

    def struct(spec):
        dims = []
        for axis, d in enumerate(spec.shape):
            if d is not None:
                dims.append(str(d))
            else:
                dims.append("batch" if axis == 0 else f"dim{next(counter)}")
        shape = jax.export.symbolic_shape(", ".join(dims), scope=scope) if dims else ()
        return jax.ShapeDtypeStruct(shape, jnp.dtype(spec.dtype))

    return jax.tree_util.tree_map(struct, signature, is_leaf=lambda x: isinstance(x, TensorSpec))
