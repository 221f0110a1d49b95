"""Config dicts -> objects, resolving names only through known tables.

A name is looked up in `custom_objects`, the active `custom_object_scope`s and the
registry (`register_keras_serializable`), then among lamina's own public classes and
functions of the modelling families (layers, models, initializers, regularizers,
constraints, losses, metrics, optimizers, schedules, activations, ops). Nothing named in
a config is ever imported: a class from any other module must be registered or passed in
`custom_objects`, else `UnknownObjectError`.
"""

import functools
import importlib
import inspect

import numpy as np

from lamina.core.serialization.errors import SavingError, UnknownObjectError
from lamina.core.serialization.object_registration import CustomObjectScope, get_registered_object
from lamina.core.serialization.safe_mode import scoped_safe_mode

# family -> lamina's public namespaces whose classes/functions a config may name. They
# sit above this module and are looked up by name when a config is read (as Keras's table
# of exported names does), so nothing here imports them.
_FAMILIES = {
    "models": ("lamina.models",),
    "layers": ("lamina.layers", "lamina.core.op_layer"),
    "initializers": ("lamina.initializers",),
    "regularizers": ("lamina.regularizers",),
    "constraints": ("lamina.constraints",),
    "losses": ("lamina.losses",),
    "metrics": ("lamina.metrics",),
    "optimizers": ("lamina.optimizers",),
    "schedules": ("lamina.optimizers.schedules",),
    "activations": ("lamina.activations",),
    "ops": ("lamina.ops",),
    "distillation": ("lamina.distillation",),
}
_SEARCH_ORDER = ("layers", "models", "initializers", "regularizers", "constraints", "losses",
                 "metrics", "optimizers", "schedules", "activations", "distillation")
_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy")


@functools.lru_cache(maxsize=None)
def _table(family):
    """{name: object} of lamina-defined public classes and functions in a family."""
    table = {}
    for module_name in _FAMILIES[family]:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in dir(module):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and \
                    getattr(obj, "__module__", "").split(".")[0] == "lamina":
                table.setdefault(name, obj)
    return table


def _family_of(module):
    """"keras.layers" -> "layers", "keras.src.models.functional" -> "models", else None."""
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] not in ("keras", "lamina"):
        return None
    if "schedules" in parts:
        return "schedules"
    for part in parts[1:]:
        if part in _FAMILIES:
            return part
        if part in ("core", "backend"):
            continue
    return None


def _may_be_builtin(module, registered):
    """Whether a config may name one of lamina's own objects: its module is Keras's or
    lamina's, or it gives no module and no registered name (a hand-written config). A user
    object (module None or "__main__" with a registered name) never silently becomes a
    lamina object of the same name."""
    if isinstance(module, str) and module.split(".")[0] in ("keras", "lamina", "builtins"):
        return True
    return module in (None, "__main__") and registered is None


def _builtin(name, module, families):
    family = _family_of(module)
    order = ([family] if family in families else []) + [f for f in families if f != family]
    for fam in order:
        obj = _table(fam).get(name)
        if obj is not None:
            return obj
    return None


def builtin_function(family, name, what, module):
    """lamina's public function `name` of `family` (e.g. "ops"); else UnknownObjectError
    naming `what` (e.g. "op") and the config's `module`."""
    fn = _table(family).get(name) if isinstance(name, str) else None
    if fn is None or not callable(fn) or inspect.isclass(fn):
        raise _unknown(what, name, module)
    return fn


def _unknown(what, name, module):
    where = f" from module {module!r}" if module else ""
    return UnknownObjectError(
        f"Could not locate {what} {name!r}{where}. It is not part of lamina and not "
        "registered: if it is your own, decorate it with "
        "@lamina.saving.register_keras_serializable() or pass it in "
        "custom_objects={...}. lamina never imports modules named in a file.")


def resolve_class(config, custom_objects=None, families=_SEARCH_ORDER):
    """The class a `{"class_name", "module", "registered_name"}` config names."""
    name = config.get("class_name")
    module = config.get("module")
    if not isinstance(name, str):
        raise SavingError(f"Invalid config: 'class_name' must be a string, got {name!r}.")
    registered = config.get("registered_name")
    obj = get_registered_object(registered, custom_objects) if isinstance(registered, str) else None
    if obj is None:
        obj = get_registered_object(name, custom_objects)
    if obj is None and _may_be_builtin(module, registered):
        obj = _builtin(name, module, families)
        if obj is not None and not inspect.isclass(obj):
            obj = None
    if obj is None:
        raise _unknown("class", name, module)
    return obj


def resolve_function(config, custom_objects=None):
    """A function from `{"class_name": "function", "config": name, ...}` (or a bare name)."""
    name = config.get("config") if isinstance(config, dict) else config
    module = config.get("module") if isinstance(config, dict) else None
    registered = config.get("registered_name") if isinstance(config, dict) else None
    if not isinstance(name, str):
        raise SavingError(f"Invalid function config: {config!r}")
    for key in (registered, name):
        if isinstance(key, str):
            fn = get_registered_object(key, custom_objects)
            if fn is not None:
                return fn
    if _may_be_builtin(module, registered):
        fn = _builtin(name, module, ("activations", "losses", "metrics", "ops"))
        if fn is not None and callable(fn):
            return fn
    raise _unknown("function", name, module)


def accepted_init_args(cls):
    """(keyword names `cls(...)` accepts, whether it accepts any keyword).

    A base class whose `__init__` takes a closed set of keywords through `**kwargs` says
    which in `_init_keywords` (Layer: "dynamic", "input_dtype"; Model: name, trainable,
    dtype); the walk up the bases stops there."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is object:
            return names, False
        params = inspect.signature(init).parameters
        names |= {p.name for p in params.values()
                  if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {"self"}
        if "_init_keywords" in klass.__dict__:
            return names | set(klass.__dict__["_init_keywords"]), False
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return names, False
    return names, True


def _normalize(inner):
    """Keras-only details a lamina constructor does not take: DTypePolicy dicts become the
    dtype name; `shared_object_id` markers go."""
    inner = {k: v for k, v in inner.items() if k != "shared_object_id"}
    dtype = inner.get("dtype")
    if isinstance(dtype, dict) and dtype.get("class_name") in _DTYPE_POLICIES:
        inner["dtype"] = (dtype.get("config") or {}).get("name")
    return inner


def _fit_to_init(cls, inner):
    """Drop keys lamina's `cls` does not take when they hold a default-off value (None,
    False, empty): Keras writes such keys for features lamina lacks. Returns
    (kwargs, attributes to set after construction)."""
    accepted, open_ended = accepted_init_args(cls)
    if open_ended:
        return inner, {}
    kwargs, after = {}, {}
    for key, value in inner.items():
        if key in accepted:
            kwargs[key] = value
        elif key in ("name", "trainable"):
            after[key] = value
        elif key == "dtype" or value in (None, False) or value == {} or value == []:
            continue
        else:
            raise SavingError(
                f"{cls.__name__} in lamina does not support the argument {key}={value!r} "
                "found in the file.")
    return kwargs, after


def layer_from_config(cls, config, custom_objects=None):
    """A layer or model of class `cls` from its inner config, when `cls` keeps the default
    `from_config`: the constructor gets the keys it takes (name and trainable are set
    afterwards if not), a user class's serialized objects (layers, functions)
    deserialized. (A functional graph config is Model.from_config's business.)"""
    config = _normalize(config)
    kwargs, after = _fit_to_init(cls, config)
    if cls.__module__.split(".")[0] != "lamina":
        # a user class's automatic config holds the layers or functions it was given
        kwargs = {k: deserialize_keras_object(v, custom_objects)
                  if isinstance(v, dict) and "class_name" in v else v for k, v in kwargs.items()}
    obj = cls(**kwargs)
    for key, value in after.items():
        setattr(obj, key, value)
    return obj


def plain_from_config(method):
    """Marks a base class's `from_config` that only calls `cls(**config)`: loading a file
    then fits the config to the constructor first (drops Keras-only keys that are off)."""
    method._plain_from_config = True
    return method


def _default_from_config(cls):
    return getattr(getattr(cls.from_config, "__func__", None), "_plain_from_config", False)


def instantiate(cls, inner, custom_objects=None):
    """`cls.from_config(inner)`, tolerant of Keras-only keys for lamina's own classes."""
    inner = _normalize(inner)
    if isinstance(cls, type) and _default_from_config(cls):
        return layer_from_config(cls, inner, custom_objects)
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        return cls(**inner)

    def call(cfg):
        if "custom_objects" in inspect.signature(from_config).parameters:
            return from_config(cfg, custom_objects=custom_objects)
        return from_config(cfg)

    if cls.__module__.split(".")[0] == "lamina":
        accepted, open_ended = accepted_init_args(cls)
        if not open_ended:
            inner = {k: v for k, v in inner.items()
                     if k in accepted or not (v is None or v is False or v == {} or v == [])}
    return call(inner)


def _special(class_name, inner, custom_objects, safe_mode):
    """Keras's reserved class names for plain values."""
    if class_name in _DTYPE_POLICIES:
        return (inner or {}).get("name")
    if class_name in ("__numpy__", "__tensor__"):
        return np.asarray(inner["value"], dtype=inner.get("dtype"))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(inner.get("start"), inner.get("stop"), inner.get("step"))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__lambda__":
        from lamina.core.serialization.lambda_serialization import deserialize_function

        return deserialize_function({"class_name": class_name, "config": inner},
                                    safe_mode=safe_mode, custom_objects=custom_objects)
    raise UnknownObjectError(f"Unsupported special object {class_name!r} in the config.")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """An object from its Keras 3 description. Strings, numbers and None pass through;
    lists and plain dicts are deserialized item by item. `custom_objects` are in scope
    while constructors run (a Dense(activation="my_fn") finds "my_fn").

    safe_mode (True): refuse Lambda bytecode; an enclosing SafeModeScope's setting wins,
    as in Keras. `families` (lamina's own keyword) narrows the registries searched.
    """
    families = kwargs.pop("families", _SEARCH_ORDER)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unsupported keyword argument(s) "
                        f"{sorted(kwargs)}.")
    scoped = scoped_safe_mode()
    safe_mode = scoped if scoped is not None else safe_mode
    if custom_objects:
        with CustomObjectScope(custom_objects):
            return _deserialize(config, custom_objects, safe_mode, families)
    return _deserialize(config, custom_objects, safe_mode, families)


def _deserialize(config, custom_objects, safe_mode, families):
    if config is None or isinstance(config, (str, bool, int, float)):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, families=families)
                for c in config]
    if not isinstance(config, dict):
        raise SavingError(f"Invalid config value of type {type(config).__name__}: {config!r}")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, families=families)
                for k, v in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        return resolve_function(config, custom_objects)
    if isinstance(class_name, str) and (class_name.startswith("__") or class_name in _DTYPE_POLICIES):
        return _special(class_name, inner, custom_objects, safe_mode)
    cls = resolve_class(config, custom_objects, families)
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise SavingError(f"Invalid config for {class_name!r}: 'config' must be a dict, got "
                          f"{type(inner).__name__}.")
    return instantiate(cls, inner, custom_objects)
