"""Model architecture as JSON: `model.to_json()` and `model_from_json(...)` (no weights)."""

import json

from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.serialization import serialize_keras_object


def model_to_json(model, **kwargs):
    """The model's config as a JSON string (kwargs go to json.dumps)."""
    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from `model.to_json()` output; loads safely like
    `load_model` (only lamina classes and registered/custom objects)."""
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as e:
        raise ValueError(f"model_from_json: not a JSON model description ({e}).") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("model_from_json: the JSON does not describe a model "
                         "(no 'class_name').")
    return deserialize_keras_object(config, custom_objects=custom_objects)
