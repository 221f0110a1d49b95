"""Find a metric from what a user passes to `compile(metrics=...)`, and turn metrics
into Keras 3 config dicts."""

import inspect

from lamina.core.naming import to_snake_case
from lamina.losses.get import ALL_OBJECTS as LOSS_OBJECTS
from lamina.losses.get import from_config_dict, resolve
from lamina.metrics import (
    accuracy_metrics,
    confusion_metrics,
    correlation_metrics,
    f_score_metrics,
    hinge_metrics,
    iou_metrics,
    probabilistic_metrics,
    reduction_metrics,
    regression_metrics,
)
from lamina.metrics.metric import Metric
from lamina.core.serialization.serialization import serialize_keras_object


def _public_classes(module):
    return [obj for name, obj in vars(module).items()
            if inspect.isclass(obj) and issubclass(obj, Metric) and not name.startswith("_")
            and obj.__module__ == module.__name__]


_CLASSES = [Metric] + [cls for module in (
    reduction_metrics, accuracy_metrics, regression_metrics, confusion_metrics,
    f_score_metrics, hinge_metrics, iou_metrics, probabilistic_metrics, correlation_metrics)
    for cls in _public_classes(module)]

# Keras's names: class names and their snake_case ("AUC" -> "auc", "MeanAbsoluteError"
# -> "mean_absolute_error"), each giving a new instance, plus a few abbreviations.
ALL_OBJECTS = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
for _alias, _cls in {"mse": regression_metrics.MeanSquaredError,
                     "mae": regression_metrics.MeanAbsoluteError,
                     "mape": regression_metrics.MeanAbsolutePercentageError,
                     "msle": regression_metrics.MeanSquaredLogarithmicError,
                     "bce": probabilistic_metrics.BinaryCrossentropy}.items():
    ALL_OBJECTS[_alias] = ALL_OBJECTS[_alias.upper()] = _cls

# Functions a MeanMetricWrapper config may name.
FUNCTIONS = {fn.__name__: fn for fn in (
    accuracy_metrics.accuracy, accuracy_metrics.binary_accuracy,
    accuracy_metrics.categorical_accuracy, accuracy_metrics.sparse_categorical_accuracy,
    accuracy_metrics.top_k_categorical_accuracy,
    accuracy_metrics.sparse_top_k_categorical_accuracy)}
FUNCTIONS.update({name: fn for name, fn in LOSS_OBJECTS.items()
                  if inspect.isfunction(fn)})
FUNCTIONS["cosine_similarity"] = regression_metrics.cosine_similarity
FUNCTIONS["pearson_correlation"] = correlation_metrics.pearson_correlation
FUNCTIONS["concordance_correlation"] = correlation_metrics.concordance_correlation


def get(identifier):
    """Resolve a metric identifier to a Metric instance.

    - None -> None; a Metric instance -> itself; a Metric class -> a new instance.
    - a name: "mae", "mean_absolute_error", "MeanAbsoluteError", "auc", "AUC",
      "precision", "categorical_accuracy", "accuracy" (-> Accuracy(); compile picks
      the right accuracy for the loss itself) ... -> a new instance.
    - a config dict -> `deserialize(identifier)`.
    - a function `fn(y_true, y_pred)` -> `MeanMetricWrapper(fn, name=fn.__name__)`.
    Unknown names raise ValueError with close matches ("Did you mean: ...?").
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    obj = resolve("metric", identifier, ALL_OBJECTS) if isinstance(identifier, str) else identifier
    if inspect.isclass(obj):
        return obj()
    if isinstance(obj, Metric):
        return obj
    if callable(obj):
        return reduction_metrics.MeanMetricWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric):
    """A Keras 3 config dict: {"module", "class_name", "config", "registered_name"};
    a function gives {"class_name": "function", "config": <its name>, ...}."""
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """Inverse of `serialize`; also accepts a plain name. Returns a Metric or a function."""
    if isinstance(config, str):
        return get(resolve("metric", config, ALL_OBJECTS, custom_objects))
    return from_config_dict("metric", config, ALL_OBJECTS, FUNCTIONS, Metric, custom_objects)
