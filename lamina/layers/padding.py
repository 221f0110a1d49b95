"""ZeroPadding1D/2D/3D: add zeros before and after each spatial dimension."""

import jax.numpy as jnp

from lamina.backend import config
from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer


def normalize_pairs(value, rank, name, layer):
    """An int `p`, `rank` ints (one symmetric amount per dim) or `rank` (before, after)
    pairs -> `rank` (before, after) pairs of non-negative ints. For rank 1 a pair of
    ints is (before, after)."""
    def ints(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    kind = type(layer).__name__
    if ints(value):
        return ((value, value),) * rank
    if isinstance(value, int):
        raise ValueError(f"{kind} '{layer.name}': `{name}` cannot be negative, got "
                         f"{name}={value!r}.")
    value = tuple(value)
    if rank == 1 and len(value) == 2 and all(ints(v) for v in value):
        return (value,)
    if len(value) != rank:
        raise ValueError(f"{kind} '{layer.name}': `{name}` should have {rank} elements (one "
                         f"per spatial dimension), got {name}={value!r}.")
    pairs = []
    for v in value:
        pair = (v, v) if isinstance(v, int) else tuple(v)
        if len(pair) != 2 or not all(ints(p) for p in pair):
            raise ValueError(f"{kind} '{layer.name}': each entry of `{name}` must be a "
                             f"non-negative int or a (before, after) pair of them, got "
                             f"{name}={value!r}.")
        pairs.append(pair)
    return tuple(pairs)


def image_data_format(layer, data_format):
    """`data_format`, defaulting to the global setting, checked to be a known one."""
    value = data_format or config.image_data_format()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': data_format must be "
                         f"'channels_last' or 'channels_first', got {data_format!r}.")
    return value


def spatial_axes(data_format, rank):
    """The axes of the `rank` spatial dimensions of a batch in `data_format`."""
    start = 1 if data_format == "channels_last" else 2
    return tuple(range(start, start + rank))


class SpatialPairsLayer(Layer):
    """Base of the layers that take a (before, after) amount per spatial dimension of
    (batch, *spatial, channels) ("channels_last") or (batch, channels, *spatial) inputs."""

    rank = 2
    argument = "padding"

    def __init__(self, pairs, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pairs = normalize_pairs(pairs, self.rank, self.argument, self)
        self.data_format = image_data_format(self, data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def spatial_axes(self):
        return spatial_axes(self.data_format, self.rank)

    def compute_output_shape(self, input_shape):
        """The input shape with each known spatial size passed through `resize_dim`."""
        shape = list(input_shape)
        for axis, pair in zip(self.spatial_axes(), self.pairs):
            if shape[axis] is not None:
                shape[axis] = self.resize_dim(shape[axis], pair)
        return tuple(shape)

    def config_value(self):
        return self.pairs[0] if self.rank == 1 else self.pairs

    def get_config(self):
        return {**super().get_config(), self.argument: self.config_value(),
                "data_format": self.data_format}


class _ZeroPadding(SpatialPairsLayer):
    """Pad each spatial dimension with zeros: `padding` is an int, one int per dimension
    (symmetric) or one (before, after) pair per dimension."""

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)

    @property
    def padding(self):
        return self.config_value()

    def resize_dim(self, size, pair):
        return size + pair[0] + pair[1]

    def call(self, inputs):
        widths = [(0, 0)] * inputs.ndim
        for axis, pair in zip(self.spatial_axes(), self.pairs):
            widths[axis] = pair
        return jnp.pad(inputs, widths)


class ZeroPadding1D(_ZeroPadding):
    """(batch, steps, channels) -> (batch, before + steps + after, channels)."""

    rank = 1


class ZeroPadding2D(_ZeroPadding):
    """(batch, rows, cols, channels) -> (batch, padded rows, padded cols, channels)."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """(batch, d1, d2, d3, channels) with each of d1..d3 padded."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
