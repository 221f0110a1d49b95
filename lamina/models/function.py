"""`Function`: a graph of operations from symbolic inputs to outputs, callable on arrays.

`Function(inputs, outputs)` takes KerasTensors (from `Input`) and what layers, ops and
`Operation`s computed from them; calling it on arrays runs that graph, calling it on
KerasTensors gives new symbolic outputs. It is the graph part of a functional model,
without weights management, training or saving.
"""

from lamina.core import naming
from lamina.core.operation import Operation
from lamina.models.functional import Functional


class Function(Operation):
    """Args: inputs, outputs (KerasTensors or nested structures of them); name
    (defaults to "function", made unique). Attributes: `inputs`, `outputs`,
    `operations` (input layers first, in topological order)."""

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name or naming.auto_name("function"))
        self._graph = Functional(inputs, outputs, name=self.name)
        self.inputs = inputs
        self.outputs = outputs

    @property
    def operations(self):
        return self._graph._layers

    def call(self, inputs):
        return self._graph(inputs)

    def compute_output_spec(self, inputs):
        return self._graph.compute_output_spec(inputs)

    def get_config(self):
        raise TypeError("A Function is not serializable on its own: save a functional model "
                        "(`keras.Model(inputs, outputs)`) instead.")
