"""`keras.layers.serialize` / `keras.layers.deserialize`, and `deserialize_layer`, which
wrappers, RNNs and models use for the layers in their configs."""

from lamina.core.layer import Layer
from lamina.core.op_layer import OpLayer
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.errors import SavingError
from lamina.core.serialization.object_registration import get_registered_object
from lamina.core.serialization.serialization import serialize_keras_object


def _is_keras_op(config):
    module = config.get("module")
    return isinstance(module, str) and module.startswith(("keras.src.ops.", "keras.ops"))


def deserialize_layer(config, custom_objects=None):
    """A Layer (or Model) from its `{"class_name", "config", ...}` description."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise SavingError(f"Invalid layer config: {config!r}")
    if _is_keras_op(config) and get_registered_object(config.get("registered_name")) is None:
        return OpLayer.from_keras_op_config(config)
    layer = deserialize_keras_object(config, custom_objects, families=("layers", "models"))
    if not isinstance(layer, Layer):
        raise SavingError(f"The config of {config.get('class_name')!r} does not describe a "
                          f"layer (got {type(layer).__name__}).")
    return layer


def serialize(layer):
    """The layer's `{"module", "class_name", "config", "registered_name"}` description."""
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A layer (or model) from what `serialize` returns; `config` may omit "module"."""
    return deserialize_layer(config, custom_objects=custom_objects)
