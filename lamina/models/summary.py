"""`model.summary()`: a text table of layers, output shapes and parameter counts."""

import textwrap

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.serialization.keras_ops import keras_class_name
from lamina.models.graph_view import untraceable_note


def _shape_text(layer, model_nodes):
    """Output shape(s) of `layer`'s node in this model, "?" when unknown."""
    node = next((n for n in layer._inbound_nodes if id(n) in model_nodes or n.is_input), None)
    if node is None:
        return "?"
    shapes = [t.shape for t in tree.flatten(node.outputs) if isinstance(t, KerasTensor)]
    if len(shapes) == 1:
        return str(shapes[0])
    return "[" + ", ".join(str(s) for s in shapes) + "]"


def _params_text(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return str(sum(v.size for v in layer.weights))


def _connections(layer, model_nodes):
    out = []
    for node in layer._inbound_nodes:
        if id(node) not in model_nodes:
            continue
        for t in node.input_tensors:
            if t._keras_history is not None:
                src, node_index, tensor_index = t._keras_history
                out.append(f"{src.name}[{node_index}][{tensor_index}]")
    return out


def _is_chain(graph_nodes):
    """True when every layer call has at most one input and each tensor feeds one call."""
    consumers = {}
    for node in graph_nodes:
        if len(node.input_tensors) > 1 or len(node.output_tensors) > 1:
            return False
        for t in node.input_tensors:
            consumers[id(t)] = consumers.get(id(t), 0) + 1
    return all(c <= 1 for c in consumers.values())


def _wrap(text, width):
    """Lines of at most width-1 characters, broken at spaces where possible."""
    width = max(width - 1, 1)
    text = str(text)
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _row(cells, positions, print_fn):
    columns = []
    start = 0
    for cell, end in zip(cells, positions):
        lines = []
        for part in (cell if isinstance(cell, list) else [cell]):
            lines.extend(_wrap(part, end - start))
        columns.append((lines, end - start))
        start = end
    height = max(len(lines) for lines, _ in columns)
    for i in range(height):
        line = ""
        for lines, width in columns:
            line += (lines[i] if i < len(lines) else "").ljust(width)
        print_fn(line)


def _type_name(layer):
    """The class shown in parentheses; an op shows Keras's op class (`Multiply`, `Sum`)."""
    from lamina.core.op_layer import OpLayer

    return keras_class_name(layer) if isinstance(layer, OpLayer) else type(layer).__name__


def _graph_of(model):
    """(layers, nodes) to list: the functional graph, or a subclassed model's traced one.
    Functional models list all their layers (InputLayers and ops too) in `model.layers` order;
    Sequential and subclassed ones list no InputLayer."""
    from lamina.models.graph_view import graph_view

    view = graph_view(model)
    layers = list(model._layers) if view.kind == "functional" else view.layers
    return layers, view.nodes


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print `model`'s summary. print_fn defaults to print; line_length to 65 (98 with the
    "Connected to" column that non-sequential graphs get)."""
    print_fn = print_fn or print
    layers, nodes = _graph_of(model)
    model_nodes = {id(n) for n in nodes}
    sequential_like = _is_chain(nodes)
    header = ["Layer (type)", "Output Shape", "Param #"]
    if sequential_like:
        line_length = line_length or 65
        fractions = positions or [0.45, 0.85, 1.0]
    else:
        line_length = line_length or 98
        fractions = positions or [0.33, 0.55, 0.67, 1.0]
        header.append("Connected to")
    if show_trainable:
        line_length += 11
        fractions = [p * (line_length - 11) / line_length for p in fractions] + [1.0]
        header.append("Trainable")
    cols = [int(line_length * p) if p <= 1 else int(p) for p in fractions]
    if layer_range is not None:
        names = [l.name for l in layers]
        lo, hi = names.index(layer_range[0]), names.index(layer_range[1])
        layers = layers[lo:hi + 1]

    print_fn(f'Model: "{model.name}"')
    note = untraceable_note(model)
    if note:
        for line in textwrap.wrap(note, line_length):
            print_fn(line)
    print_fn("_" * line_length)
    _row(header, cols, print_fn)
    print_fn("=" * line_length)

    def emit(layer, prefix, nodes_ids):
        cells = [prefix + f"{layer.name} ({_type_name(layer)})", _shape_text(layer, nodes_ids),
                 _params_text(layer)]
        if not sequential_like:
            cells.append(_connections(layer, nodes_ids) or [""])
        if show_trainable:
            cells.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        _row(cells, cols, print_fn)
        if expand_nested and hasattr(layer, "layers") and layer is not model and \
                type(layer).__name__ != "InputLayer":
            inner_layers, inner_nodes = _graph_of(layer)
            ids = {id(n) for n in inner_nodes}
            for inner in inner_layers:
                emit(inner, prefix + "| ", ids)

    for i, layer in enumerate(layers):
        emit(layer, "", model_nodes)
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        print_fn("=" * line_length)

    if model.built:
        trainable = sum(v.size for v in model.trainable_weights)
        non_trainable = sum(v.size for v in model.non_trainable_weights)
    else:
        trainable = non_trainable = 0
    print_fn(f"Total params: {trainable + non_trainable:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {non_trainable:,}")
    print_fn("_" * line_length)
