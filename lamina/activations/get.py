"""Resolve an activation from a name, None (linear) or a callable."""

from lamina.activations import activations as _act
from lamina.ops import nn as _nn
from lamina.core.lookup import find_named
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.serialization import register_named_functions, \
    serialize_keras_object

ALL = {name: getattr(_act, name) for name in (
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "hard_silu",
    "hard_swish", "silu", "swish", "softmax", "log_softmax", "softplus", "softsign", "tanh",
    "exponential", "mish", "linear")}
ALL.update({name: getattr(_nn, name) for name in (
    "celu", "glu", "hard_shrink", "hard_tanh", "log_sigmoid", "soft_shrink", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink", "threshold")})
register_named_functions(ALL)


def get(identifier):
    """None -> linear; "relu" -> relu; a registered name -> that function; a callable stays
    as it is."""
    if identifier is None:
        return _act.linear
    if isinstance(identifier, str):
        return find_named("activation function", identifier, ALL)
    if isinstance(identifier, dict):
        if identifier.get("class_name") in ("function", "__lambda__"):
            return deserialize_keras_object(identifier)
        inner = identifier.get("config")
        return get((inner.get("name") if isinstance(inner, dict) else None)
                   or identifier.get("class_name"))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def deserialize(config, custom_objects=None):
    """The activation function a name or a serialized config (`serialize`'s output) names;
    `custom_objects` maps further names to functions."""
    if isinstance(config, str) and custom_objects and config in custom_objects:
        return custom_objects[config]
    if isinstance(config, dict) and config.get("class_name") in ("function", "__lambda__"):
        return deserialize_keras_object(config, custom_objects=custom_objects)
    if not isinstance(config, (str, dict)):
        raise ValueError(f"activations.deserialize(): expected a name or a config dict, "
                         f"received {config!r}")
    return get(config)


def serialize(activation):
    """The name of a built-in activation, else the function's config as Keras writes it
    (`{"class_name": "function", "config": "package>name", ...}`)."""
    for name, fn in ALL.items():
        if fn is activation:
            return "swish" if name == "silu" else name
    return serialize_keras_object(activation)
