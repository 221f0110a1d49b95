"""The `@op` decorator every `lamina.ops` function wears.

It unwraps `Variable`s to their current values, and when any argument is a symbolic
`KerasTensor` it records the call as a node of the functional graph (an `OpLayer`)
instead of computing.
"""

import functools

from lamina.core.keras_tensor import KerasTensor
from lamina.core.variable import Variable


def _scan(x):
    """(has_symbolic, has_variable) for a nested list/tuple/dict argument."""
    if isinstance(x, KerasTensor):
        return True, False
    if isinstance(x, Variable):
        return False, True
    if isinstance(x, (list, tuple)):
        sym = var = False
        for item in x:
            s, v = _scan(item)
            sym, var = sym or s, var or v
        return sym, var
    if isinstance(x, dict):
        return _scan(list(x.values()))
    return False, False


def unwrap(x):
    """Replace Variables in a nested structure by their values."""
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, list):
        return [unwrap(i) for i in x]
    if isinstance(x, tuple):
        return tuple(unwrap(i) for i in x)
    if isinstance(x, dict):
        return {k: unwrap(v) for k, v in x.items()}
    return x


def op(fn):
    """Make `fn` accept Variables and KerasTensors (see module docstring)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        sym, var = _scan(args)
        if kwargs:
            s2, v2 = _scan(kwargs)
            sym, var = sym or s2, var or v2
        if sym:
            from lamina.core.op_layer import OpLayer

            return OpLayer(wrapper.__wrapped__, name=fn.__name__)(*args, **kwargs)
        if var:
            args = unwrap(args)
            kwargs = unwrap(kwargs)
        return fn(*args, **kwargs)

    wrapper.__lamina_op__ = True
    return wrapper


# Public `lamina.ops` names that are plain functions, not `@op`s: they read only static
# facts (shape, dtype), produce NumPy data, or take and return functions.
NON_OPS = frozenset({
    "shape", "dtype", "ndim", "is_tensor", "convert_to_numpy",  # static facts / host data
    "vectorize", "custom_gradient",  # function transformations (their results are ops)
})
