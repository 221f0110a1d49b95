"""What a Layer tells about its first call on symbolic inputs: `input`, `output` and
their shapes (read from the graph node that call recorded)."""

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor


class LayerGraphAccessMixin:
    """`input` / `output` / `input_shape` / `output_shape` of a Layer's first symbolic call;
    an AttributeError naming the layer before any such call."""

    def _single_node(self, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has no {what}: it has never been called on a symbolic "
                "input (keras.Input or another layer's output).")
        return self._inbound_nodes[0]

    @property
    def input(self):
        """The symbolic input(s) of the layer's first call (a list for several)."""
        tensors = self._single_node("input").input_tensors
        return tensors[0] if len(tensors) == 1 else list(tensors)

    @property
    def output(self):
        """The symbolic output(s) of the layer's first call."""
        outputs = self._single_node("output").outputs
        return list(outputs) if isinstance(outputs, tuple) else outputs

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self.input) if not isinstance(self.input, KerasTensor) \
            else self.input.shape

    @property
    def output_shape(self):
        out = self.output
        if isinstance(out, KerasTensor):
            return out.shape
        return tree.map_structure(lambda t: t.shape, out)
