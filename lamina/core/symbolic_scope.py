"""`SymbolicScope`: marks code that runs on symbolic tensors (shape inference).

lamina enters one while it infers a layer's outputs from KerasTensors, so code can
tell a shape-only run (`in_symbolic_scope()`) from a real one, e.g. to skip a
host-side side effect.
"""

_depth = [0]


class SymbolicScope:
    """Context manager: `in_symbolic_scope()` is True inside it."""

    def __enter__(self):
        _depth[0] += 1
        return self

    def __exit__(self, *exc):
        _depth[0] -= 1
        return False


def in_symbolic_scope():
    """Whether a `SymbolicScope` is active."""
    return _depth[0] > 0
