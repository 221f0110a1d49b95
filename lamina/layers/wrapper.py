"""`Wrapper`: the base of layers that wrap another layer and change what it does."""

from lamina.core import naming
from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object


class Wrapper(Layer):
    """Base class of layers wrapping `layer` (e.g. `SpectralNormalization`).

    `build` builds the wrapped layer (under its own name scope); the config holds the
    wrapped layer's serialized config under "layer".

    Args:
        layer: a `Layer` instance.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. "
                             "Please ensure wrapped layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            with naming.own_scope(self.layer.name):
                self.layer.build(input_shape)
            self.layer.built = True

    def get_config(self):
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.layer_serialization import deserialize_layer

        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)
