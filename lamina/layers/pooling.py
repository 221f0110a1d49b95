"""Pooling layers: Max/Average pooling (1D-3D) and their global forms."""

import jax.numpy as jnp
from jax import lax

from lamina.backend import config
from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.conv import conv_output_length, normalize_tuple, same_padding


class BasePooling(Layer):
    """Pool windows of `pool_size` moved by `strides` (default: pool_size).

    Input (batch, *spatial, channels) for "channels_last" (default).
    padding: "valid" (default) or "same".
    """

    rank = 2
    mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        n = self.rank
        self.pool_size = normalize_tuple(pool_size, n, "pool_size", self)
        self.strides = normalize_tuple(strides if strides is not None else self.pool_size, n,
                                       "strides", self)
        padding = str(padding).lower()
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__} '{self.name}': padding must be 'valid' or "
                             f"'same', got {padding!r}.")
        self.padding = padding
        self.data_format = data_format or config.image_data_format()
        self.input_spec = InputSpec(ndim=n + 2)
        self.built = True

    def _to_last(self, x):
        return x if self.data_format == "channels_last" else jnp.moveaxis(x, 1, -1)

    def _from_last(self, x):
        return x if self.data_format == "channels_last" else jnp.moveaxis(x, -1, 1)

    def call(self, inputs):
        x = self._to_last(inputs)
        spatial = x.shape[1:-1]
        tiled = (self.padding == "valid" and self.pool_size == self.strides
                 and all(s % p == 0 for s, p in zip(spatial, self.pool_size)))
        if tiled:
            # Non-overlapping windows: a reshape and a reduction (cheap gradients).
            shape = [x.shape[0]]
            for s, p in zip(spatial, self.pool_size):
                shape += [s // p, p]
            shape.append(x.shape[-1])
            axes = tuple(2 + 2 * i for i in range(self.rank))
            x = jnp.reshape(x, shape)
            out = jnp.max(x, axis=axes) if self.mode == "max" else jnp.mean(x, axis=axes)
            return self._from_last(out)
        window = (1,) + self.pool_size + (1,)
        strides = (1,) + self.strides + (1,)
        pads = ((0, 0),) * self.rank if self.padding == "valid" else \
            same_padding(spatial, self.pool_size, self.strides, (1,) * self.rank)
        pads = ((0, 0),) + tuple(pads) + ((0, 0),)
        if self.mode == "max":
            out = lax.reduce_window(x, -jnp.inf, lax.max, window, strides, pads)
        else:
            total = lax.reduce_window(x, 0.0, lax.add, window, strides, pads)
            counts = lax.reduce_window(jnp.ones(x.shape[1:-1] + (1,), x.dtype)[None], 0.0,
                                       lax.add, window, strides, pads)
            out = total / counts
        return self._from_last(out.astype(inputs.dtype))

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        spatial = input_shape[1:-1] if last else input_shape[2:]
        out = tuple(conv_output_length(s, p, self.padding, st)
                    for s, p, st in zip(spatial, self.pool_size, self.strides))
        channels = input_shape[-1] if last else input_shape[1]
        return (input_shape[0],) + out + (channels,) if last else (input_shape[0], channels) + out

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling1D(BasePooling):
    rank, mode = 1, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class MaxPooling2D(BasePooling):
    rank, mode = 2, "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class MaxPooling3D(BasePooling):
    rank, mode = 3, "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling1D(BasePooling):
    rank, mode = 1, "average"


class AveragePooling2D(BasePooling):
    rank, mode = 2, "average"


class AveragePooling3D(BasePooling):
    rank, mode = 3, "average"


class BaseGlobalPooling(Layer):
    """Reduce all spatial dims: (batch, *spatial, channels) -> (batch, channels)
    (or keepdims=True: spatial dims of size 1)."""

    rank = 2
    mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or config.image_data_format()
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def _axes(self):
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self.rank))

    def call(self, inputs):
        fn = jnp.max if self.mode == "max" else jnp.mean
        return fn(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps; with a (batch, steps) `mask`, over the masked-in steps only."""

    rank, mode = 1, "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        axis = self._axes()[0]
        weights = jnp.expand_dims(mask, 2 if axis == 1 else 1).astype(inputs.dtype)
        total = jnp.sum(jnp.where(weights > 0, inputs, 0), axis=axis, keepdims=self.keepdims)
        return total / jnp.sum(weights, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(BaseGlobalPooling):
    rank, mode = 2, "average"


class GlobalAveragePooling3D(BaseGlobalPooling):
    rank, mode = 3, "average"


class GlobalMaxPooling1D(BaseGlobalPooling):
    rank, mode = 1, "max"


class GlobalMaxPooling2D(BaseGlobalPooling):
    rank, mode = 2, "max"


class GlobalMaxPooling3D(BaseGlobalPooling):
    rank, mode = 3, "max"
