"""The config a Layer subclass gets when it does not override get_config(): the arguments
its __init__ was called with, when each one can be saved."""

import inspect
import types


def _saveable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_saveable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _saveable(v) for k, v in value.items())
    if isinstance(value, types.FunctionType):
        return value.__name__ != "<lambda>"  # a named function is saved by its name
    return hasattr(value, "get_config")  # a layer, initializer, ...: saved by its config


def init_arguments(layer, base_init):
    """{name: value} of the arguments `layer`'s __init__ received (`**kwargs` spread out).

    TypeError for a value that cannot be saved (a lambda, an arbitrary object), as Keras
    refuses it: the class must then override get_config()."""
    init = type(layer).__init__
    if init is base_init:
        return {}
    args, kwargs = layer._init_args
    params = inspect.signature(init).parameters
    try:
        bound = inspect.signature(init).bind(layer, *args, **kwargs)
    except TypeError:
        return {}
    config = {}
    for key, value in bound.arguments.items():
        kind = params[key].kind
        if key == "self" or kind == params[key].VAR_POSITIONAL:
            continue
        items = value.items() if kind == params[key].VAR_KEYWORD else [(key, value)]
        for name, item in items:
            if not _saveable(item):
                raise TypeError(
                    f"{type(layer).__name__} '{layer.name}' was created with {name}={item!r}, "
                    "which cannot be saved in a config. Override get_config() to return "
                    "savable values (and from_config() to rebuild the object from them).")
            config[name] = item
    return config
