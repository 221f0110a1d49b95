"""Find a loss from what a user passes to `compile(loss=...)`: a name, a config dict,
a class, a function or a Loss instance; and turn losses into Keras 3 config dicts."""

import inspect

from lamina.core.lookup import unknown_name_error
from lamina.losses import hinge, probabilistic, regression
from lamina.losses.loss import Loss, LossFunctionWrapper

_CLASSES = [
    Loss, LossFunctionWrapper,
    regression.MeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.Huber, regression.LogCosh,
    probabilistic.BinaryCrossentropy, probabilistic.BinaryFocalCrossentropy,
    probabilistic.CategoricalCrossentropy, probabilistic.CategoricalFocalCrossentropy,
    probabilistic.SparseCategoricalCrossentropy, probabilistic.KLDivergence,
    probabilistic.Poisson,
    hinge.Hinge, hinge.SquaredHinge, hinge.CategoricalHinge,
]
_FUNCTIONS = [
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.cosine_similarity, regression.huber, regression.log_cosh,
    probabilistic.binary_crossentropy, probabilistic.binary_focal_crossentropy,
    probabilistic.categorical_crossentropy, probabilistic.categorical_focal_crossentropy,
    probabilistic.sparse_categorical_crossentropy, probabilistic.kl_divergence,
    probabilistic.poisson,
    hinge.hinge, hinge.squared_hinge, hinge.categorical_hinge,
]

# Names Keras accepts: class names give a new instance, function names the function.
ALL_OBJECTS = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
for _alias, _fn in {
    "mse": regression.mean_squared_error, "mae": regression.mean_absolute_error,
    "mape": regression.mean_absolute_percentage_error,
    "msle": regression.mean_squared_logarithmic_error,
    "bce": probabilistic.binary_crossentropy, "kld": probabilistic.kl_divergence,
}.items():
    ALL_OBJECTS[_alias] = ALL_OBJECTS[_alias.upper()] = _fn
ALL_OBJECTS["logcosh"] = regression.log_cosh


def _lookup(name, custom_objects=None):
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in ALL_OBJECTS:
        return ALL_OBJECTS[name]
    from lamina.saving.object_registration import get_registered_object

    found = get_registered_object(name, custom_objects)
    if found is None:
        raise unknown_name_error("loss", name, ALL_OBJECTS)
    return found


def get(identifier):
    """Resolve a loss identifier.

    - None -> None; a Loss instance or a function -> itself.
    - "mse", "mean_squared_error", "categorical_crossentropy", ... -> that function.
    - "MeanSquaredError" (a class name) or a Loss class -> a new instance.
    - a config dict ({"class_name": ..., "config": ...}) -> `deserialize(identifier)`.
    Unknown names raise ValueError with close matches ("Did you mean: ...?").
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    obj = _lookup(identifier) if isinstance(identifier, str) else identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss):
    """A Keras 3 config dict: {"module", "class_name", "config", "registered_name"}.

    Functions become {"class_name": "function", "config": <name>}."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, Loss):
        cls = type(loss)
        builtin = cls.__module__.startswith("lamina.")
        return {"module": "keras.losses" if builtin else cls.__module__,
                "class_name": cls.__name__, "config": loss.get_config(),
                "registered_name": None if builtin else _registered_name(cls)}
    if callable(loss):
        return {"module": "builtins", "class_name": "function", "config": loss.__name__,
                "registered_name": "function"}
    raise ValueError(f"Cannot serialize {loss!r}: expected a Loss or a function.")


def _registered_name(obj):
    from lamina.saving.object_registration import get_registered_name

    return get_registered_name(obj)


def deserialize(config, custom_objects=None):
    """Inverse of `serialize`; also accepts a plain name. Returns a Loss or a function."""
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret loss config: {config!r}")
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects)
    name = config.get("registered_name") or config["class_name"]
    try:
        cls = _lookup(name, custom_objects)
    except ValueError:
        cls = _lookup(config["class_name"], custom_objects)
    if not (inspect.isclass(cls) and issubclass(cls, Loss)):
        raise ValueError(f"Config class {config['class_name']!r} is not a Loss.")
    return cls.from_config(config.get("config") or {})
