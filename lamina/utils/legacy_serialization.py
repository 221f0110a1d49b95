"""The tf.keras-era config format, `{"class_name": ..., "config": ...}` without a module:
keras.utils.legacy and keras.legacy.saving (libraries such as keras-tuner use it)."""

import inspect

from lamina.core.serialization.object_registration import (
    CustomObjectScope,
    get_registered_name,
    get_registered_object,
)


def serialize_keras_object(instance):
    """None -> None; an object with `get_config()` -> {"class_name", "config"} (config
    values that have `get_config()` serialized the same way); a function -> its name."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = {key: serialize_keras_object(value) if hasattr(value, "get_config") else value
                  for key, value in instance.get_config().items()}
        return {"class_name": get_registered_name(type(instance)), "config": config}
    if callable(instance) and hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r} because it doesn't implement "
                     "`get_config()`.")


def _lookup(name, module_objects, custom_objects, printable_module_name):
    found = get_registered_object(name, custom_objects, module_objects)
    if found is None:
        raise ValueError(f"Unknown {printable_module_name}: '{name}'. Pass it in "
                         "`custom_objects`, or register it with "
                         "`@keras.utils.register_keras_serializable()`.")
    return found


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name="object"):
    """The object a legacy config (or a name) describes. Names are looked up in
    `custom_objects`, the active custom-object scopes, the registry, then `module_objects`."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(f"Improper config format for {printable_module_name}: "
                             f"{identifier!r} (expected keys 'class_name' and 'config').")
        cls = _lookup(identifier["class_name"], module_objects, custom_objects,
                      printable_module_name)
        config = identifier["config"]
        if not hasattr(cls, "from_config"):
            with CustomObjectScope(custom_objects or {}):
                return cls(**config)
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            return cls.from_config(config, custom_objects=custom_objects)
        with CustomObjectScope(custom_objects or {}):
            return cls.from_config(config)
    if isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, custom_objects, printable_module_name)
        return obj() if inspect.isclass(obj) else obj
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier!r}")
