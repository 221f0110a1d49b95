"""Rematerialization (gradient checkpointing): `remat(f)` and `RematScope`.

`remat(f)` recomputes `f`'s intermediate values during the backward pass instead of
keeping them (`jax.checkpoint`). A layer created inside `RematScope(mode=...)`
remembers the mode and, when called on arrays, runs its `call` through `remat`:
"full" (every such layer), "larger_than" (layers whose outputs hold more than
`output_size_threshold` numbers), "list_of_layers" (layers named in `layer_names`),
"activations" (only the layer's `activation` function); None turns it off.
"""

import collections
import functools
import math

import jax
import numpy as np

RematMode = collections.namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])

_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_stack = []


class RematScope:
    """Layers created inside the `with` block are rematerialized by `mode` (see module doc).

    Args:
        mode: "full" (default), "activations", "larger_than", "list_of_layers" or None.
        output_size_threshold: for "larger_than", 1024 by default.
        layer_names: for "list_of_layers", a list of layer names.
    """

    def __init__(self, mode="full", output_size_threshold=1024, layer_names=None):
        if mode not in _MODES:
            raise ValueError(f"Invalid mode '{mode}'. Supported modes are: 'full', "
                             "'activations', 'larger_than', 'list_of_layers', or None.")
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = list(layer_names or [])

    def __enter__(self):
        _stack.append(self)
        return self

    def __exit__(self, *exc):
        _stack.remove(self)
        return False


def get_current_remat_mode():
    """The innermost active scope's `RematMode`, or None outside any scope."""
    if not _stack:
        return None
    scope = _stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def _is_array(x):
    return isinstance(x, (jax.Array, np.ndarray, np.generic)) or hasattr(x, "__jax_array__")


def remat(f):
    """`f` with rematerialization: the same values and gradients, less memory kept for
    the backward pass. Non-array arguments (flags, None, Python numbers) are static."""

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        arrays = [i for i, leaf in enumerate(leaves) if _is_array(leaf)]

        def on_arrays(*values):
            full = list(leaves)
            for i, value in zip(arrays, values):
                full[i] = value
            a, k = jax.tree_util.tree_unflatten(treedef, full)
            return f(*a, **k)

        return jax.checkpoint(on_arrays)(*[leaves[i] for i in arrays])

    return wrapped


def _output_size(fn, args, kwargs):
    shapes = jax.eval_shape(fn, *args, **kwargs)
    return sum(math.prod(s.shape) for s in jax.tree_util.tree_leaves(shapes))


def rematerialized(layer, call, args, kwargs):
    """The function to run for `layer.call(*args, **kwargs)` under the layer's remat mode."""
    mode = getattr(layer, "_remat_mode", None)
    if not mode or mode.mode is None:
        return call
    if mode.mode == "full":
        return remat(call)
    if mode.mode == "list_of_layers":
        return remat(call) if layer.name in mode.layer_names else call
    if mode.mode == "larger_than":
        big = _output_size(call, args, kwargs) > mode.output_size_threshold
        return remat(call) if big else call
    activation = getattr(layer, "activation", None)  # "activations"
    if activation is None:
        return call

    @functools.wraps(call)
    def with_remat_activation(*a, **k):
        layer.activation = remat(activation)
        try:
            return call(*a, **k)
        finally:
            layer.activation = activation

    return with_remat_activation
