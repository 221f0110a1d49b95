"""get_source_inputs: the Input tensors a symbolic tensor was computed from."""

from lamina.core.keras_tensor import KerasTensor


def get_source_inputs(tensor):
    """The list of input KerasTensors (those made by `Input()`) that `tensor` depends on,
    each once, in the order first reached. A tensor with no recorded history is its own
    source."""
    if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
        return [tensor]
    found, seen, stack = [], set(), [tensor]
    while stack:
        current = stack.pop()
        node = current._node
        if node is None or node.is_input:
            if id(current) not in seen:
                seen.add(id(current))
                found.append(current)
            continue
        # reversed so that the first input is visited first (a depth-first walk in order)
        stack.extend(reversed(node.input_tensors))
    return found
