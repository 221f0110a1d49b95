"""Keras masks, carried beside the values instead of on them.

A Keras mask marks the valid entries of a tensor, e.g. the non-padding time steps of a
(batch, steps, features) sequence as a (batch, steps) boolean array. Keras attaches it to
the tensor itself; a JAX array cannot hold attributes, so lamina keeps masks apart:

- building a graph, each KerasTensor records `_keras_mask`: a boolean KerasTensor, or None
  when no mask exists there;
- running a Functional model, masks travel in a dict by KerasTensor id beside the values
  (`call_node`), and a nested model hands its output masks back through
  `capture_output_masks` / `claim_request`.

The rules are Keras's. A layer whose `call` has a `mask` parameter receives the mask(s) of
its only tensor argument; with several tensor arguments, a `<name>_mask` parameter receives
the mask of argument `<name>`. A layer with `supports_masking` gives its outputs
`compute_mask(first input, previous mask)`; any other layer drops the mask.
"""

import threading
import warnings

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor

_local = threading.local()


def _any_mask(masks):
    return any(m is not None for m in tree.flatten(masks))


def _holds_tensor(value):
    return any(hasattr(v, "shape") and hasattr(v, "dtype") for v in tree.flatten(value))


def mask_arguments(layer, args, kwargs, mask_of):
    """The mask arguments to add to a call of `layer`, and the call's previous mask.

    Args:
        layer: the layer called.
        args, kwargs: the call's arguments, as tensors that `mask_of` knows.
        mask_of: tensor -> its mask, or None.

    Returns:
        `(extra_kwargs, previous_mask)`: `extra_kwargs` maps `mask` / `<name>_mask` to the
        masks the call did not pass itself (only non-empty ones); `previous_mask` is the
        call's `mask` argument if any, else the mask(s) of the first argument (None when
        there is none).
    """
    masks = lambda value: tree.map_structure(
        lambda t: mask_of(t) if t is not None and hasattr(t, "shape") else None, value)
    sig = layer._call_signature()
    params = sig.parameters
    extra = {}
    try:
        bound = sig.bind_partial(*args, **kwargs).arguments
    except TypeError:
        bound = None
    if bound is not None:
        plain = {p.name for p in params.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        tensor_args = [(name, value) for name, value in bound.items()
                       if name in plain and name != "mask" and not name.endswith("_mask")
                       and _holds_tensor(value)]
        if len(tensor_args) == 1:
            targets = [("mask", tensor_args[0][1])]
        else:
            targets = [(f"{name}_mask", value) for name, value in tensor_args]
        for key, value in targets:
            if key in plain and bound.get(key) is None:
                found = masks(value)
                if _any_mask(found):
                    extra[key] = found
    explicit = extra.get("mask")
    if explicit is None:
        explicit = kwargs.get("mask")
    if explicit is not None:
        return extra, explicit
    first = args[0] if args else (next(iter(kwargs.values())) if kwargs else None)
    previous = masks(first)
    return extra, previous if _any_mask(previous) else None


def runs_own_graph(layer):
    """Functional and Sequential models compute their output masks from their graph."""
    return getattr(layer, "_propagates_masks", False)


# -- eager: masks on concrete arrays ----------------------------------------------------------
# Outside any trace a JAX array takes attributes, so an eager call leaves the mask on its
# outputs as Keras does (`Embedding(..., mask_zero=True)(x)._keras_mask`), and the next eager
# call reads it back. Traced values cannot hold attributes: inside a model, masks travel
# beside the values (see the module docstring).
def eager_mask(tensor):
    return getattr(tensor, "_keras_mask", None) if _is_concrete(tensor) else None


def _is_concrete(value):
    import jax

    return isinstance(value, jax.Array) and not isinstance(value, jax.core.Tracer)


def attach_eager_masks(layer, outputs, first_input, previous_mask):
    """Set `_keras_mask` on the concrete outputs of an eager call of a masking layer."""
    if runs_own_graph(layer) or not layer.supports_masking:
        return
    if previous_mask is None and type(layer).compute_mask is _base_compute_mask():
        return
    masks = layer.compute_mask(first_input, previous_mask)
    if masks is None:
        return
    flat_out = tree.flatten(outputs)
    flat_masks = tree.flatten(masks) if isinstance(masks, (list, tuple, dict)) else [masks]
    for value, mask in zip(flat_out, flat_masks):
        if mask is not None and _is_concrete(value):
            value._keras_mask = mask


# -- symbolic: masks recorded on KerasTensors ----------------------------------------------
def symbolic_mask(tensor):
    return getattr(tensor, "_keras_mask", None) if isinstance(tensor, KerasTensor) else None


def record_output_masks(layer, outputs, first_input, previous_mask):
    """Give the output KerasTensors of a symbolic call their `_keras_mask`.

    Outputs that already carry masks (a nested model's) keep them. Otherwise a layer with
    `supports_masking` gets `compute_mask(first_input, previous_mask)`, inferred abstractly.
    """
    flat = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
    if runs_own_graph(layer) or (flat and all(t._keras_mask is not None for t in flat)):
        return
    if not layer.supports_masking:
        if previous_mask is not None:
            warnings.warn(
                f"Layer '{layer.name}' ({type(layer).__name__}) received an input with a mask, "
                "but it does not support masking: layers after it will not see the mask.",
                stacklevel=4)
        return
    if previous_mask is None and type(layer).compute_mask is _base_compute_mask():
        return
    from lamina.core.symbolic import infer_output_spec

    spec = infer_output_spec(lambda x, m: layer.compute_mask(x, m), (first_input, previous_mask), {})
    attach(outputs, spec)


def attach(outputs, masks):
    """Set `_keras_mask` on each output KerasTensor from the matching mask spec."""
    if masks is None:
        return
    flat_out = tree.flatten(outputs)
    flat_masks = tree.flatten(masks) if isinstance(masks, (list, tuple, dict)) else [masks]
    for t, m in zip(flat_out, flat_masks):  # a single mask goes to the first output
        if isinstance(t, KerasTensor) and t._keras_mask is None and isinstance(m, KerasTensor):
            t._keras_mask = m


def _base_compute_mask():
    from lamina.core.layer import Layer

    return Layer.compute_mask


# -- running a graph: masks in a dict by KerasTensor id ------------------------------------
def call_node(node, args, kwargs, masks):
    """Run `node.layer` on the values `args, kwargs` with the masks of its inputs.

    `masks` maps id(KerasTensor) -> mask value. Returns `(outputs, output_masks)`;
    output_masks is None or a structure matching the outputs.
    """
    layer = node.layer
    extra, previous = mask_arguments(
        layer, node.call_args, node.call_kwargs, lambda t: masks.get(id(t)))
    if extra:
        kwargs = {**kwargs, **extra}
    if kwargs.get("mask") is not None:  # the value of a mask the call passes itself
        previous = kwargs["mask"]
    if runs_own_graph(layer):
        with capture_output_masks(layer) as request:
            outputs = layer(*args, **kwargs)
        return outputs, request.masks
    outputs = layer(*args, **kwargs)
    recorded = any(t._keras_mask is not None for t in node.output_tensors)
    if layer.supports_masking and (previous is not None or recorded):
        first = args[0] if args else next(iter(kwargs.values()))
        return outputs, layer.compute_mask(first, previous)
    return outputs, None


def store(masks, tensors, output_masks):
    """Record the masks of a node's output KerasTensors in the `masks` dict."""
    if output_masks is None:
        return
    flat = tree.flatten(output_masks) if isinstance(output_masks, (list, tuple, dict)) \
        else [output_masks]
    for t, m in zip(tensors, flat):
        if m is not None:
            masks[id(t)] = m


def graph_records_masks(nodes):
    """Whether any tensor of the graph got a mask when the graph was built."""
    return any(t._keras_mask is not None for node in nodes for t in node.output_tensors)


# -- a nested model handing its output masks to its caller -----------------------------------
class _Request:
    __slots__ = ("layer", "masks")

    def __init__(self, layer):
        self.layer = layer
        self.masks = None


class capture_output_masks:
    """`with capture_output_masks(model) as request:` around a call of `model`; afterwards
    `request.masks` holds the masks of its outputs (None when it has none)."""

    def __init__(self, layer):
        self.request = _Request(layer)

    def __enter__(self):
        self.prev = getattr(_local, "request", None)
        _local.request = self.request
        return self.request

    def __exit__(self, *exc):
        _local.request = self.prev
        return False


def claim_request(layer):
    """The pending request for `layer`'s output masks, if its caller made one (taken so that
    layers called inside do not see it)."""
    request = getattr(_local, "request", None)
    if request is None or request.layer is not layer:
        return None
    _local.request = None
    return request
