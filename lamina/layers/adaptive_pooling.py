"""Adaptive pooling: pool to a fixed spatial `output_size` whatever the input size.

Window `i` of an axis of length `L` pooled to `n` covers `[floor(i*L/n), ceil((i+1)*L/n))`
(`lamina.ops.adaptive_average_pool` / `adaptive_max_pool`).
"""

from lamina import ops
from lamina.backend import config
from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer

_AXES_WORDS = {1: "integer", 2: "(height, width)", 3: "(depth, height, width)"}


def _normalize_output_size(output_size, rank, cls_name):
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        return (output_size,) * rank
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != rank:
            raise ValueError(f"{cls_name}: `output_size` must have {rank} entries for {rank}D "
                             f"input. Received: output_size={output_size}")
        return tuple(output_size)
    raise TypeError(f"{cls_name}: `output_size` must be an integer or a {_AXES_WORDS[rank]} "
                    f"tuple. Received: {output_size!r} of type {type(output_size).__name__}")


class BaseAdaptivePooling(Layer):
    """Pool `(batch, *spatial, channels)` ("channels_last") or `(batch, channels, *spatial)`
    to `(batch, *output_size, channels)` (or channels first).

    Args:
        output_size: an int (every spatial axis) or a tuple of `rank` ints.
        data_format: "channels_last" or "channels_first"; default `image_data_format()`.
    """

    rank = 2
    pool = staticmethod(ops.adaptive_average_pool)

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = _normalize_output_size(output_size, self.rank, type(self).__name__)
        self.data_format = data_format or config.image_data_format()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"{type(self).__name__}: invalid data_format: {self.data_format}. "
                             "Expected 'channels_first' or 'channels_last'.")
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return self.pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size,
                "data_format": self.data_format}


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    rank = 1


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    rank = 2


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    rank = 3


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    rank, pool = 1, staticmethod(ops.adaptive_max_pool)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    rank, pool = 2, staticmethod(ops.adaptive_max_pool)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    rank, pool = 3, staticmethod(ops.adaptive_max_pool)
