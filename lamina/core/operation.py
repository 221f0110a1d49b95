"""`Operation`: Keras's base of computations that work on arrays and on KerasTensors.

Subclass it and define `call(*args, **kwargs)` (with `lamina.ops`); optionally
`compute_output_spec` (by default `call` is traced abstractly). Called on arrays it
computes; called on KerasTensors it returns KerasTensors and records the call as a
graph node, so it can be used inside a functional model. lamina's `Layer` counts
as an `Operation` (`isinstance(layer, Operation)` is True, as in Keras).
"""

import abc

from lamina.core import naming, tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.core.symbolic import infer_output_spec


class _OperationNode(Layer):
    """The weightless layer that records one Operation call in a graph."""

    def __init__(self, operation):
        super().__init__(name=naming.auto_name(operation.name))
        self.operation = operation
        self.built = True

    def call(self, *args, **kwargs):
        return self.operation.call(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        return self.operation.compute_output_spec(*args, **kwargs)

    def _call_accepts(self, name):
        return False  # no `training`/`mask` call-context arguments

    def get_config(self):
        return {"name": self.name, "operation": self.operation.get_config()}


class Operation(abc.ABC):
    """A named computation over tensors (see module doc).

    Args:
        name: defaults to the snake-cased class name, made unique.
    """

    def __init__(self, name=None):
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError("Argument `name` must be a string and cannot contain character "
                             f"`/`. Received: name={name!r} (of type {type(name)})")
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))

    def __call__(self, *args, **kwargs):
        if any(isinstance(t, KerasTensor) for t in tree.flatten([list(args), kwargs])):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Call on KerasTensors: the output KerasTensors, with the call recorded."""
        return _OperationNode(self)(*args, **kwargs)

    def call(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} must define `call(*args, **kwargs)`, the "
                        "computation of the operation.")

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) for the output, by tracing `call` abstractly."""
        return infer_output_spec(self.call, args, kwargs)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


Operation.register(Layer)  # a Layer is an Operation, as in Keras
