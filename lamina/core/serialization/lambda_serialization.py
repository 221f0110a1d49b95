"""Lambda layer functions in configs: bytecode (Keras's format) is only loaded when unsafe."""

import base64
import binascii
import builtins
import marshal
import types

from lamina.core.serialization.deserialization import resolve_function
from lamina.core.serialization.errors import SavingError, UnsafeContentError
from lamina.core.serialization.safe_mode import is_safe_mode
from lamina.core.serialization.serialization import _module_field


def serialize_function(fn):
    """A registered/named module-level function is saved by name; a lambda by its bytecode."""
    if fn.__name__ != "<lambda>" and fn.__closure__ is None and "<locals>" not in fn.__qualname__:
        registered = getattr(fn, "_lamina_registered_name", None)
        return {"module": _module_field(fn), "class_name": "function", "config": fn.__name__,
                "registered_name": registered or fn.__name__}
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    closure = [c.cell_contents for c in fn.__closure__] if fn.__closure__ else None
    return {"class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}


def _lambda_globals():
    import numpy

    import lamina

    return {"__builtins__": builtins, "ops": lamina.ops, "keras": lamina, "lamina": lamina,
            "np": numpy}


class UnsafeLambdaError(UnsafeContentError):
    """A Lambda's function is stored as bytecode and safe mode is on."""


def deserialize_function(config, safe_mode=None, custom_objects=None):
    """Rebuild a Lambda's function. Bytecode is refused unless `safe_mode=False`."""
    if callable(config):
        return config
    if not isinstance(config, dict):
        raise SavingError(f"Invalid Lambda function config: {config!r}")
    if config.get("class_name") == "__lambda__":
        if is_safe_mode(safe_mode):
            raise UnsafeLambdaError(
                "Refusing to load a Lambda layer whose function is stored as Python bytecode: "
                "loading it would run code from the file. If you trust the file, load it with "
                "`safe_mode=False`.")
        inner = config.get("config")
        if not isinstance(inner, dict) or not isinstance(inner.get("code"), str):
            raise SavingError(f"Invalid Lambda bytecode config: {inner!r}")
        try:
            code = marshal.loads(base64.b64decode(inner["code"]))
            defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
            closure = tuple(types.CellType(c) for c in inner["closure"]) \
                if inner.get("closure") else None
            return types.FunctionType(code, _lambda_globals(), code.co_name, defaults, closure)
        except (ValueError, EOFError, TypeError, binascii.Error) as e:
            raise SavingError(f"Invalid Lambda bytecode (saved by another Python version?): "
                              f"{type(e).__name__}: {e}") from None

    return resolve_function(config, custom_objects)
