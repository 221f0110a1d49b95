"""Find a loss from what a user passes to `compile(loss=...)`: a name, a config dict,
a class, a function or a Loss instance; and turn losses into Keras 3 config dicts."""

import inspect

from lamina.core.lookup import unknown_name_error
from lamina.losses import (hinge, metric_learning, overlap, probabilistic, regression, robust,
                           sequence)
from lamina.losses.loss import Loss, LossFunctionWrapper
from lamina.core.serialization.object_registration import get_registered_object
from lamina.core.serialization.serialization import serialize_keras_object

_CLASSES = [
    Loss, LossFunctionWrapper,
    regression.MeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.Huber, regression.LogCosh,
    probabilistic.BinaryCrossentropy, probabilistic.BinaryFocalCrossentropy,
    probabilistic.CategoricalCrossentropy, probabilistic.CategoricalFocalCrossentropy,
    probabilistic.SparseCategoricalCrossentropy, probabilistic.KLDivergence,
    probabilistic.Poisson,
    hinge.Hinge, hinge.SquaredHinge, hinge.CategoricalHinge, overlap.Dice, overlap.Tversky,
    sequence.CTC, metric_learning.Circle, robust.CategoricalGeneralizedCrossEntropy,
]
_FUNCTIONS = [
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.cosine_similarity, regression.huber, regression.log_cosh,
    probabilistic.binary_crossentropy, probabilistic.binary_focal_crossentropy,
    probabilistic.categorical_crossentropy, probabilistic.categorical_focal_crossentropy,
    probabilistic.sparse_categorical_crossentropy, probabilistic.kl_divergence,
    probabilistic.poisson,
    hinge.hinge, hinge.squared_hinge, hinge.categorical_hinge, overlap.dice, overlap.tversky,
    sequence.ctc, metric_learning.circle, robust.categorical_generalized_cross_entropy,
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


def resolve(kind, name, table, custom_objects=None):
    """`name` looked up in custom_objects, `table`, then registered objects; an unknown
    name raises ValueError("Unknown <kind> 'x'. Did you mean: ...?")."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in table:
        return table[name]
    found = get_registered_object(name, custom_objects)
    if found is None:
        raise unknown_name_error(kind, name, table)
    return found


def from_config_dict(kind, config, table, functions, base, custom_objects=None):
    """An object from a Keras 3 config dict: a function by name, else
    `cls.from_config(config["config"])` for a subclass of `base`."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret {kind} config: {config!r}")
    if config["class_name"] == "function":
        return resolve(kind, config["config"], functions, custom_objects)
    cls = None
    if config.get("registered_name"):
        cls = get_registered_object(config["registered_name"], custom_objects)
    cls = cls or resolve(kind, config["class_name"], table, custom_objects)
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        raise ValueError(f"Config class {config['class_name']!r} is not a {base.__name__}.")
    return cls.from_config(config.get("config") or {})


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
    obj = resolve("loss", identifier, ALL_OBJECTS) if isinstance(identifier, str) else identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss):
    """A Keras 3 config dict: {"module", "class_name", "config", "registered_name"};
    a function gives {"class_name": "function", "config": <its name>, ...}."""
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """Inverse of `serialize`: `name` is a loss name or a serialized config dict.
    Returns a Loss or a function."""
    if isinstance(name, str):
        obj = resolve("loss", name, ALL_OBJECTS, custom_objects)
        return obj() if inspect.isclass(obj) else obj
    return from_config_dict("loss", name, ALL_OBJECTS, ALL_OBJECTS, Loss, custom_objects)
