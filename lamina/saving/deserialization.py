"""Config dicts -> objects, resolving class names only through known tables.

Lookup order: custom_objects, registered objects (`register_keras_serializable`), then
lamina's own public classes. Nothing named in a config is ever imported.
"""

from lamina.saving.object_registration import get_registered_object


def _builtin_classes():
    import lamina.layers as layers_mod
    import lamina.models as models_mod

    table = {}
    for mod in (layers_mod, models_mod):
        for name in dir(mod):
            obj = getattr(mod, name)
            if isinstance(obj, type):
                table[name] = obj
    return table


def resolve_class(config, custom_objects=None, kind="layer"):
    name = config.get("class_name")
    registered = config.get("registered_name")
    cls = get_registered_object(registered, custom_objects) if registered else None
    if cls is None:
        cls = get_registered_object(name, custom_objects)
    if cls is None:
        cls = _builtin_classes().get(name)
    if cls is None:
        raise ValueError(
            f"Could not locate {kind} class {name!r} (module {config.get('module')!r}). If it is "
            "your own class, register it with @lamina.saving.register_keras_serializable() or "
            "pass it in custom_objects={...}; lamina never imports modules named in a file.")
    return cls


def deserialize_layer(config, custom_objects=None):
    """A Layer (or Model) from its `{"class_name", "config", ...}` description."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Invalid layer config: {config!r}")
    cls = resolve_class(config, custom_objects)
    inner = dict(config.get("config", {}))
    import inspect

    params = inspect.signature(cls.from_config).parameters
    if "custom_objects" in params:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)
