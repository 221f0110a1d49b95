"""`keras.layers.serialize` / `keras.layers.deserialize`."""


def serialize(layer):
    """The layer's `{"module", "class_name", "config", "registered_name"}` description."""
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A layer (or model) from what `serialize` returns; `config` may omit "module"."""
    from lamina.saving.deserialization import deserialize_layer

    return deserialize_layer(config, custom_objects=custom_objects)
