"""keras.backend.is_keras_tensor, below the package that defines KerasTensor.

core registers its symbolic tensor class here, so the public backend namespace can
answer without importing a package above it.
"""

_SYMBOLIC_TYPES = []


def register_symbolic_type(cls):
    """Mark `cls` as a symbolic (Keras) tensor type; returns `cls` (usable as a decorator)."""
    _SYMBOLIC_TYPES.append(cls)
    return cls


def is_keras_tensor(x):
    """True when `x` is a symbolic tensor (what `Input()` returns), False for arrays."""
    return isinstance(x, tuple(_SYMBOLIC_TYPES))
