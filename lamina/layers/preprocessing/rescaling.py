"""Rescaling: `inputs * scale + offset`, e.g. 1/255 to map pixels into [0, 1]."""

import jax.numpy as jnp

from lamina.backend.config import image_data_format
from lamina.core.layer import Layer
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.serialization import serialize_keras_object


class Rescaling(Layer):
    """Multiply by `scale` and add `offset` (scalars, or per-channel sequences that
    broadcast against the channel axis). Output has the layer's float dtype."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype)
        offset = jnp.asarray(self.offset, dtype)
        if scale.ndim > 0 and image_data_format() == "channels_first":
            # per-channel values meet (channels, height, width) images
            scale = jnp.reshape(scale, scale.shape + (1,) * (3 - scale.ndim))
        return jnp.asarray(inputs).astype(dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": serialize_keras_object(self.scale),
                "offset": serialize_keras_object(self.offset)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("scale", "offset"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_keras_object(config[key])
        return cls(**config)
