"""Lambda layer functions in configs: bytecode (Keras's format) is only loaded when unsafe."""

import base64
import marshal
import types

from lamina.saving.object_registration import get_registered_object


def serialize_function(fn):
    """A registered/named module-level function is saved by name; a lambda by its bytecode."""
    if fn.__name__ != "<lambda>" and fn.__closure__ is None and "<locals>" not in fn.__qualname__:
        registered = getattr(fn, "_lamina_registered_name", None)
        return {"module": fn.__module__, "class_name": "function", "config": fn.__name__,
                "registered_name": registered or fn.__name__}
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    closure = [c.cell_contents for c in fn.__closure__] if fn.__closure__ else None
    return {"class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}


class UnsafeLambdaError(ValueError):
    pass


def deserialize_function(config, safe_mode=None, custom_objects=None):
    """Rebuild a Lambda's function. Bytecode is refused unless `safe_mode=False`."""
    from lamina.saving.safe_mode import is_safe_mode

    if callable(config):
        return config
    if not isinstance(config, dict):
        raise ValueError(f"Invalid Lambda function config: {config!r}")
    if config.get("class_name") == "__lambda__":
        if is_safe_mode(safe_mode):
            raise UnsafeLambdaError(
                "Refusing to load a Lambda layer whose function is stored as Python bytecode: "
                "loading it would run code from the file. If you trust the file, load it with "
                "`safe_mode=False`.")
        inner = config["config"]
        code = marshal.loads(base64.b64decode(inner["code"]))
        defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
        closure = tuple(types.CellType(c) for c in inner["closure"]) if inner.get("closure") else None
        return types.FunctionType(code, globals(), code.co_name, defaults, closure)
    name = config.get("registered_name") or config.get("config")
    fn = get_registered_object(name, custom_objects) or get_registered_object(config.get("config"), custom_objects)
    if fn is None:
        from lamina.activations.get import ALL

        fn = ALL.get(config.get("config"))
    if fn is None:
        raise ValueError(
            f"Could not find the function {config.get('config')!r} used by a Lambda layer. "
            "Register it with @lamina.saving.register_keras_serializable() or pass it in "
            "custom_objects.")
    return fn
