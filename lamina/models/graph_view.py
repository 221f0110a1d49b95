"""The layer graph of any model, as `summary()` and `plot_model()` show it.

Sequential and functional models carry their graph; a subclassed model's graph is the one
its `call` recorded when traced on symbolic inputs (see `lamina.models.tracing`). When that
trace failed, the view lists the model's layers without connections and says why in `note`.
"""

import dataclasses

from lamina.core.keras_tensor import KerasTensor


@dataclasses.dataclass
class GraphView:
    """What is known of a model's structure.

    kind: "functional", "sequential" or "subclassed".
    input_layers: the InputLayers of the model's inputs ([] when not known).
    layers: the other layers, in the order Keras lists them.
    nodes: the layer calls (`Node`) of the model in execution order; [] when not known.
    inputs, outputs: flat lists of the model's input and output KerasTensors ([] when not known).
    note: None, or the sentence saying that a subclassed model's call() could not be traced.
    """

    kind: str
    input_layers: list
    layers: list
    nodes: list
    inputs: list
    outputs: list
    note: str = None

    @property
    def node_ids(self):
        return {id(n) for n in self.nodes}

    @property
    def traced(self):
        """True when connections are known (a graph, not just a list of layers)."""
        return bool(self.nodes) or bool(self.inputs)


def _is_input_layer(layer):
    return type(layer).__name__ == "InputLayer"


def _split(layers):
    return ([l for l in layers if _is_input_layer(l)], [l for l in layers if not _is_input_layer(l)])


def untraceable_note(model):
    """The sentence summary() and plot_model() show for a subclassed model whose call() could
    not be traced, or None."""
    error = getattr(model, "_trace_error", None)
    if not error:
        return None
    return (f"The call() of subclassed model '{model.name}' could not be traced on symbolic "
            f"inputs, so its layers are listed without connections or output shapes. Reason: "
            f"{error}")


def graph_view(model):
    """A `GraphView` of `model` (a Sequential, functional or subclassed Model)."""
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential
    from lamina.models.tracing import traced_graph

    if isinstance(model, Sequential):
        graph = model._functional
        if graph is None:
            return GraphView("sequential", [], model.layers, [], [], [])
        inputs, layers = _split(graph._layers)
        return GraphView("sequential", inputs, layers, graph._nodes, graph.inputs, graph.outputs)
    if isinstance(model, Functional):
        inputs, layers = _split(model._layers)
        return GraphView("functional", inputs, layers, model._nodes, model.inputs, model.outputs)
    view = traced_graph(model) if model.built else None
    if view is not None:
        inputs, layers = _split(view._layers)
        return GraphView("subclassed", inputs, layers, view._nodes, view.inputs, view.outputs)
    return GraphView("subclassed", [], model.layers, [], [], [], note=untraceable_note(model))


def layer_nodes(layer, view):
    """The calls of `layer` inside the model of `view` (an InputLayer's own node included)."""
    ids = view.node_ids
    return [n for n in layer._inbound_nodes if id(n) in ids or (n.is_input and any(
        t in view.inputs for t in n.output_tensors))]


def tensor_shapes(tensors):
    """Shapes of the KerasTensors among `tensors`."""
    return [t.shape for t in tensors if isinstance(t, KerasTensor)]
