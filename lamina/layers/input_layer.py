"""InputLayer and `Input()`: the entry points of a functional graph."""

from lamina.backend.dtypes import standardize_dtype
from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.core.node import Node


class InputLayer(Layer):
    """Holds the symbolic input tensor of a model.

    Args:
        shape: shape without the batch dimension, e.g. (784,). Required unless
            `batch_shape` is given. batch_size: optional fixed batch size.
        dtype: default floatx(). name: default "input_layer", "input_layer_1", ...
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if ragged:
            raise ValueError(f"InputLayer '{self.name}': ragged=True is not supported; lamina "
                             "has no ragged tensors (pad the sequences instead).")
        if optional:
            raise ValueError(f"InputLayer '{self.name}': optional=True is not supported; "
                             "lamina's functional models need every input.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"InputLayer '{self.name}': input_tensor must be a KerasTensor, "
                                 f"got {type(input_tensor).__name__}.")
            batch_shape = input_tensor.shape
        if shape is not None and batch_shape is not None:
            raise ValueError(f"InputLayer '{self.name}': pass `shape` or `batch_shape`, not both.")
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    f"Input '{self.name}' needs a `shape` (the shape of one sample, without the "
                    "batch dimension), e.g. keras.Input(shape=(784,)). Received shape=None.")
            if isinstance(shape, int):
                shape = (shape,)
            try:
                batch_shape = (batch_size,) + tuple(shape)
            except TypeError:
                raise ValueError(f"Input '{self.name}': shape must be a tuple of ints or None, "
                                 f"got {shape!r}.") from None
        for d in batch_shape:
            if d is not None and (not isinstance(d, int) or d < 0):
                raise ValueError(f"Input '{self.name}': invalid dimension {d!r} in shape {batch_shape}.")
        self.batch_shape = tuple(batch_shape)
        self.sparse = bool(sparse)
        self.built = True
        tensor = input_tensor or KerasTensor(self.batch_shape, dtype=standardize_dtype(dtype),
                                             sparse=sparse, name=self.name)
        self._input_tensor = tensor
        Node(self, outputs=tensor)

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": self.sparse,
                "ragged": False, "name": self.name, "optional": False}

    @property
    def output(self):
        return self._input_tensor


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False):
    """A symbolic input of a functional model: `Input(shape=(3,))` has shape (None, 3).
    ragged=True and optional=True are refused (see InputLayer)."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=bool(sparse),
                       ragged=ragged, batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional)
    return layer.output
