"""OpLayer: a `lamina.ops` function called on KerasTensors, recorded as a graph node."""

from lamina.core import naming, tree
from lamina.core.layer import Layer
from lamina.core.variable import Variable


class OpLayer(Layer):
    """Wraps one op call (e.g. `ops.sum(x, axis=1)` on a symbolic x) as a weightless layer."""

    def __init__(self, fn, name=None, **kwargs):
        super().__init__(name=name and naming.auto_name(name), **kwargs)
        self.fn = fn
        self.built = True

    def _symbolic_call(self, args, kwargs):
        # Variables among the arguments are read at each call (they are model variables, not
        # constants baked into a compiled forward pass).
        self.__dict__["_captured_variables"] = [
            v for v in tree.flatten([args, kwargs]) if isinstance(v, Variable)]
        return super()._symbolic_call(args, kwargs)

    def call(self, *args, **kwargs):
        from lamina.ops.dispatch import unwrap

        return self.fn(*unwrap(args), **unwrap(kwargs))

    def _call_accepts(self, name):
        return False  # an op takes no `training` or other call-context argument

    def get_config(self):
        return {"name": self.name, "function": self.fn.__name__}
