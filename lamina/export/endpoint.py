"""An endpoint: a user function over Keras variables, made pure for export.

`Endpoint.pure(variable_values, *args)` runs `fn(*args)` inside a StatelessScope where
each tracked variable reads its given value, so `jax.export`, jax2onnx and jax2tf see a
function of arrays only. Assignments the function makes (e.g. a seed update) are dropped:
an exported endpoint serves inference.
"""

from lamina.core.stateless_scope import StatelessScope


class Endpoint:
    """A named function, its input signature (TensorSpecs), the variables it reads and
    format options (e.g. `jax2tf_kwargs` for the saved_model format)."""

    def __init__(self, name, fn, signature, variables, options=None):
        self.name = name
        self.fn = fn
        self.signature = signature
        self.variables = list(variables)
        self.options = dict(options or {})

    def pure(self, variable_values, *args):
        with StatelessScope(zip(self.variables, variable_values)):
            return self.fn(*args)

    def current_values(self):
        return [v._value for v in self.variables]
