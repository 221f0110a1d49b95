"""`get_source_inputs`: the input tensors a symbolic tensor was computed from."""

from lamina.core.keras_tensor import KerasTensor


def get_source_inputs(tensor):
    """The `Input` tensors upstream of the symbolic `tensor` (itself if it is one), in the
    order a depth-first walk meets them, each once."""
    if not isinstance(tensor, KerasTensor):
        raise ValueError(f"get_source_inputs expects a symbolic tensor. Received: {tensor!r}")
    found, seen = [], set()
    stack = [tensor]
    while stack:
        t = stack.pop()
        node = t._node
        if node is None or node.is_input:
            if id(t) not in seen:
                seen.add(id(t))
                found.append(t)
            continue
        stack.extend(reversed(node.input_tensors))
    return found
