"""The registry of user classes and functions that configs may name.

Loading resolves class names only through lamina's own classes, this registry and the
`custom_objects` a caller passes: nothing is imported because a file names it.
"""

import threading

_GLOBAL = {}
_local = threading.local()


def _scoped():
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function as `"package>name"` for loading."""

    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if key in _GLOBAL and _GLOBAL[key] is not obj:
            raise ValueError(f"{key!r} has already been registered to {_GLOBAL[key]!r}.")
        _GLOBAL[key] = obj
        obj._lamina_registered_name = key
        return obj

    return decorator


def get_registered_name(obj):
    """"package>name" for a registered object, else its __name__."""
    return getattr(obj, "_lamina_registered_name", None) or getattr(obj, "__name__", type(obj).__name__)


def get_custom_objects():
    """The global registry (a live dict: entries added to it become loadable)."""
    return _GLOBAL


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` makes those names loadable inside."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scoped().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scoped().pop()
        return False


custom_object_scope = CustomObjectScope


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Look `name` up in custom_objects, active scopes, the global registry, then
    `module_objects` (a dict of names a caller offers as a last resort)."""
    if name is None:
        return None
    for table in [custom_objects or {}] + list(reversed(_scoped())) + [_GLOBAL]:
        if name in table:
            return table[name]
    if ">" not in name:
        for key, obj in _GLOBAL.items():  # "package>name" keys; users may add bare names
            if ">" in key and key.split(">", 1)[1] == name:
                return obj
    if module_objects and name in module_objects:
        return module_objects[name]
    return None
