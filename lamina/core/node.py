"""Node: one call of a layer on symbolic tensors, the edge set of the functional graph."""

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor


class Node:
    """Records `outputs = layer(*call_args, **call_kwargs)` on KerasTensors.

    Attributes:
        layer: the layer called.
        call_args, call_kwargs: the arguments as given (KerasTensors stay in place).
        input_tensors: the KerasTensors among the arguments, flattened.
        outputs: the structure the call returned; `output_tensors` flattened.
    """

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=()):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [
            t for t in tree.flatten([self.call_args, self.call_kwargs])
            if isinstance(t, KerasTensor)
        ]
        self.outputs = outputs
        self.output_tensors = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._keras_history = (layer, node_index, i)
            t._node = self
        for t in self.input_tensors:
            if t._keras_history is not None:
                t._keras_history[0]._outbound_nodes.append(self)

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def parent_nodes(self):
        """Nodes that produced this node's inputs (in input order, may repeat)."""
        return [t._node for t in self.input_tensors if t._node is not None]

    def map_arguments(self, values_by_id):
        """The call's (args, kwargs) with each KerasTensor replaced by `values_by_id[id(t)]`."""
        def sub(x):
            return values_by_id[id(x)] if isinstance(x, KerasTensor) else x

        args = tree.map_structure(sub, self.call_args)
        kwargs = tree.map_structure(sub, self.call_kwargs)
        return args, kwargs

    def __repr__(self):
        return f"<Node layer={self.layer.name} inputs={len(self.input_tensors)} outputs={len(self.output_tensors)}>"
