"""Pipeline: a sequence of (preprocessing) layers applied one after the other."""

from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object


class Pipeline(Layer):
    """Apply `layers` in order, passing `training` (default True, so random augmentations
    run) and the running mask to the layers whose `call` takes them. Unlike `Sequential`,
    it is a plain layer meant for preprocessing (also outside a model).

    Args:
        layers: a list of layers. name: None.
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if mask is not None and layer._call_accepts("mask"):
                kwargs["mask"] = mask
            if training is not None and layer._call_accepts("training"):
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            mask = layer.compute_mask(inputs, mask)
            inputs = outputs
        return outputs

    def get_config(self):
        return {"layers": [serialize_keras_object(layer) for layer in self._pipeline_layers],
                "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.layer_serialization import deserialize_layer

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError("`Pipeline` config must contain a `layers` key mapping to a list "
                             f"of serialized layers. Received config with layers={layers}.")
        config = dict(config)
        config["layers"] = [deserialize_layer(x, custom_objects=custom_objects) for x in layers]
        return cls(**config)
