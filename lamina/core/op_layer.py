"""OpLayer: a `lamina.ops` function called on KerasTensors, recorded as a graph node."""

from lamina.core import naming, tree
from lamina.core.layer import Layer
from lamina.core.serialization.deserialization import builtin_function
from lamina.core.serialization.errors import UnknownObjectError
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

    @classmethod
    def from_config(cls, config):
        """The op is found by name among lamina.ops (never imported from elsewhere)."""
        fn = builtin_function("ops", config.get("function"), "op", "lamina.ops")
        return cls(fn, name=config.get("name"))

    @classmethod
    def from_keras_op_config(cls, config):
        """An OpLayer for an op Keras recorded in a functional graph, e.g.
        `{"module": "keras.src.ops.numpy", "class_name": "Sum", "config": {"name", "axis"}}`:
        lamina.ops.sum, with the op's attributes passed as keyword arguments of each call."""
        inner = config.get("config") or {}
        fn = builtin_function("ops", naming.to_snake_case(str(config.get("class_name"))), "op",
                              config.get("module"))
        if not isinstance(inner, dict):
            raise UnknownObjectError(f"Invalid config of the op {config.get('class_name')!r}: "
                                     f"{inner!r}")
        layer = cls(fn, name=inner.get("name"))
        layer.__dict__["_keras_op_kwargs"] = {k: v for k, v in inner.items() if k != "name"}
        return layer
