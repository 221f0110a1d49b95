"""Lookup tables (bin boundaries, a vocabulary) held as non-weight Variables of a layer.

A table that adapt() learns must reach compiled functions as an input, not as a constant
baked into a trace: then re-adapting a layer that a model has already run changes every
path (`model(x)`, `predict`, `fit`) at once. The Variables sit in the layer's
`_captured_variables`, its non-weight state (as an op layer's captured variables): they
are among `layer.variables` and the model's non-trainable state, but not among
`weights`, so weights files keep Keras's layout (where these layers have no weights).
"""

import jax
import numpy as np

from lamina.core import naming
from lamina.core.layer import _bump_structure
from lamina.core.variable import Variable


def set_tables(layer, **arrays):
    """Replace `layer`'s tables by `arrays` (name -> NumPy array), in that order."""
    variables = []
    with naming.own_scope(layer.name), jax.ensure_compile_time_eval():
        for name, value in arrays.items():
            value = np.asarray(value)
            variables.append(Variable(value, dtype=str(value.dtype), trainable=False, name=name))
    layer.__dict__["_captured_variables"] = variables
    _bump_structure()  # the models holding `layer` gather their variables anew


def tables(layer):
    """The current values of `layer`'s tables (tracers inside a stateless call)."""
    return [v.value for v in layer.__dict__.get("_captured_variables", [])]
