"""Objects <-> Keras 3 config dicts: {"module", "class_name", "config", "registered_name"}."""

import types

import numpy as np

from lamina.core.serialization.object_registration import get_registered_name

# lamina subpackage -> the Keras module name Keras 3 writes for the same public class.
_KERAS_MODULES = {
    "layers": "keras.layers", "models": "keras.models", "initializers": "keras.initializers",
    "regularizers": "keras.regularizers", "constraints": "keras.constraints",
    "losses": "keras.losses", "metrics": "keras.metrics", "optimizers": "keras.optimizers",
    "activations": "keras.activations", "random": "keras.random",
    "distillation": "keras.distillation",
}


def keras_module(obj_or_cls):
    """The public Keras module of a lamina class or function ("keras.layers", ...)."""
    target = obj_or_cls if isinstance(obj_or_cls, (type, types.FunctionType)) else type(obj_or_cls)
    parts = target.__module__.split(".")
    if parts[0] == "lamina" and len(parts) > 1:
        if parts[1] == "optimizers" and "schedules" in parts:
            return "keras.optimizers.schedules"
        if parts[1] == "core" and target.__name__ in ("Layer",):
            return "keras.layers"
        return _KERAS_MODULES.get(parts[1], "keras")
    return target.__module__


def is_lamina_class(cls):
    return cls.__module__.split(".")[0] == "lamina"


def _module_field(obj_or_cls):
    """The "module" Keras writes: a public Keras module for lamina's objects, the defining
    module for user objects (None for `__main__`)."""
    module = getattr(obj_or_cls, "__module__", None)
    if module == "__main__":
        return None
    if module and module.split(".")[0] == "lamina":
        return keras_module(obj_or_cls)
    return module


# Built-in functions Keras writes as a bare name ("relu"): {function: name}. The
# activations register theirs (they sit above this module).
_NAMED_FUNCTIONS = {}


def register_named_functions(table):
    """Serialize each function of `{name: function}` as its bare name (the first name
    given to a function wins)."""
    for name, fn in table.items():
        _NAMED_FUNCTIONS.setdefault(fn, name)


# lamina classes Keras writes under a fixed module / registered name.
_FIXED = {"Functional": ("keras.src.models.functional", "Functional"),
          "Sequential": ("keras", None)}


def serialize_keras_object(obj):
    """A JSON-ready description of `obj` (plain values pass through)."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, (np.integer, np.floating, np.bool_)):
        return obj.item()
    if isinstance(obj, np.ndarray) or type(obj).__module__.startswith("jax"):
        value = np.asarray(obj)
        return {"class_name": "__numpy__",
                "config": {"value": value.tolist(), "dtype": str(value.dtype)}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, types.FunctionType) and not hasattr(obj, "get_config"):
        if obj in _NAMED_FUNCTIONS:
            return _NAMED_FUNCTIONS[obj]
        if obj.__module__.split(".")[0] != "lamina":  # a user's function, in Keras's form
            return {"module": "builtins", "class_name": "function",
                    "config": get_registered_name(obj), "registered_name": "function"}
        return {"module": _module_field(obj), "class_name": "function", "config": obj.__name__,
                "registered_name": obj.__name__}
    if hasattr(obj, "get_config"):
        cls = type(obj)
        module, registered = _module_field(cls), None
        if is_lamina_class(cls):
            module, registered = _FIXED.get(cls.__name__, (module, None))
        else:
            registered = get_registered_name(cls)
        return {"module": module, "class_name": cls.__name__,
                "config": serialize_keras_object(obj.get_config()), "registered_name": registered}
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj).__name__}.")
