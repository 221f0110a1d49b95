"""UpSampling1D/2D/3D: repeat (or, in 2D, interpolate) along the spatial dimensions."""

import jax.numpy as jnp

from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.conv import normalize_tuple
from lamina.layers.padding import image_data_format, spatial_axes
from lamina.ops.image import resize

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class _UpSampling(Layer):
    """Each spatial size multiplied by its factor in `size`; entries are repeated.

    Input (batch, *spatial, channels) for "channels_last" (default) or
    (batch, channels, *spatial).
    """

    rank = 2

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, self.rank, "size", self)
        self.data_format = image_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def _axes(self):
        return spatial_axes(self.data_format, self.rank)

    def call(self, inputs):
        for axis, factor in zip(self._axes(), self.size):
            if factor != 1:
                inputs = jnp.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, factor in zip(self._axes(), self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class UpSampling1D(_UpSampling):
    """(batch, steps, features) -> (batch, steps * size, features), each step repeated."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        config["size"] = self.size[0]
        return config


class UpSampling2D(_UpSampling):
    """(batch, rows, cols, channels) -> (batch, rows * size[0], cols * size[1], channels).

    interpolation: "nearest" (repeat rows and columns, default), "bilinear", "bicubic",
    "lanczos3" or "lanczos5" (image resizing with half-pixel centres).
    """

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, **kwargs)
        interpolation = str(interpolation).lower()
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"UpSampling2D '{self.name}': interpolation must be one of "
                             f"{_INTERPOLATIONS}, got {interpolation!r}.")
        self.interpolation = interpolation

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        rows, cols = (inputs.shape[axis] * f for axis, f in zip(self._axes(), self.size))
        return resize(inputs, (rows, cols), interpolation=self.interpolation,
                      data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """(batch, d1, d2, d3, channels) with d1..d3 multiplied by `size`, entries repeated."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)
