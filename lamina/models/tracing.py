"""Tracing a subclassed model's `call` on symbolic inputs to record its layer graph.

The recorded graph is what lets `summary()` and `plot_model()` show a subclassed model's
structure. A `call` that does Python control flow on values cannot be traced; then the
model is still built (by abstract evaluation) and the reason is kept in `_trace_error`.
"""

from lamina.core import naming, tree
from lamina.core.layer import infer_output_spec, is_shape
from lamina.layers.input_layer import Input


def symbolic_inputs(input_shape, names=None):
    """keras.Input tensors for a shape, or a list/dict of shapes (batch dim included)."""
    if is_shape(input_shape):
        return Input(batch_shape=tuple(input_shape))
    if isinstance(input_shape, dict):
        return {k: Input(batch_shape=tuple(v), name=k) for k, v in input_shape.items()}
    if isinstance(input_shape, (list, tuple)):
        return [symbolic_inputs(s) for s in input_shape]
    raise ValueError(f"Cannot make symbolic inputs for input shape {input_shape!r}.")


def _batchless(shapes):
    if is_shape(shapes):
        return (None,) + tuple(shapes[1:])
    if isinstance(shapes, dict):
        return {k: _batchless(v) for k, v in shapes.items()}
    return [_batchless(s) for s in shapes]


def _record_call(model, input_shape):
    """Run `model.call` once on symbolic inputs of `input_shape` (batch dim None).

    Sets `model._traced = (inputs, outputs)` on success, else `model._trace_error` (the
    exception, as "TypeName: message"). Returns `model._traced`.
    """
    inputs = symbolic_inputs(input_shape)
    model._trace_error = None
    model.__dict__.pop("_traced_view", None)
    try:
        with naming.own_scope(model.name):
            outputs = model.call(inputs)
        if not all(hasattr(t, "_keras_history") for t in tree.flatten(outputs)):
            raise ValueError("call() returned values that are not tensors")
        model._traced = (inputs, outputs)
    except Exception as e:  # data-dependent control flow, host-side NumPy, ...
        model._traced = None
        model._trace_error = f"{type(e).__name__}: {e}"
    return model._traced


def trace_subclassed_model(model, input_shape):
    """Build `model` and record the graph of its `call` for `input_shape`.

    Sets `model._traced = (inputs, outputs)` on success, else `model._trace_error`; an
    untraceable call still builds the model, by abstract evaluation.
    """
    input_shape = _batchless(input_shape)
    if _record_call(model, input_shape) is None:
        with naming.own_scope(model.name):
            infer_output_spec(model.call, (symbolic_inputs(input_shape),), {})
    model._build_shapes = input_shape
    return model._traced


def traced_graph(model):
    """A Functional view of a built subclassed model's traced call, or None (then
    `model._trace_error` says why, unless no input shape was ever recorded).

    A model built by its first call on data is traced here, once, on symbolic inputs of
    that data's shapes.
    """
    from lamina.models.functional import Functional

    if getattr(model, "_traced", None) is None and getattr(model, "_build_shapes", None) is not None \
            and getattr(model, "_trace_error", None) is None:
        _record_call(model, _batchless(model._build_shapes))
    traced = getattr(model, "_traced", None)
    if traced is None:
        return None
    view = model.__dict__.get("_traced_view")
    if view is None:
        try:
            view = Functional(traced[0], traced[1], name=model.name)
        except ValueError as e:
            model._trace_error = f"{type(e).__name__}: {e}"
            return None
        model.__dict__["_traced_view"] = view
    return view
