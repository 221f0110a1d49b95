"""Cropping1D/2D/3D: remove entries before and after each spatial dimension."""

from lamina.layers.padding import SpatialPairsLayer


class _Cropping(SpatialPairsLayer):
    """Crop each spatial dimension: `cropping` is an int, one int per dimension
    (symmetric) or one (before, after) pair per dimension."""

    argument = "cropping"

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)

    @property
    def cropping(self):
        return self.config_value()

    def resize_dim(self, size, pair):
        if pair[0] + pair[1] >= size:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': cropping {pair} must leave at least "
                f"one entry of a spatial dimension of size {size}; cropping="
                f"{self.config_value()}.")
        return size - pair[0] - pair[1]

    def call(self, inputs):
        index = [slice(None)] * inputs.ndim
        for axis, pair in zip(self.spatial_axes(), self.pairs):
            end = self.resize_dim(inputs.shape[axis], pair) + pair[0]
            index[axis] = slice(pair[0], end)
        return inputs[tuple(index)]


class Cropping1D(_Cropping):
    """(batch, steps, channels) -> (batch, steps - before - after, channels)."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class Cropping2D(_Cropping):
    """(batch, rows, cols, channels) -> (batch, cropped rows, cropped cols, channels)."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """(batch, d1, d2, d3, channels) with each of d1..d3 cropped."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
