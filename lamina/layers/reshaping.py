"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector."""

import math

import jax.numpy as jnp

from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = jnp.moveaxis(inputs, 1, -1)
        return jnp.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch,) + target_shape; one entry of target_shape may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1) > 1:
            raise ValueError(f"Reshape '{self.name}': at most one -1 in target_shape, got {target_shape}.")
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        total = math.prod(rest)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if known == 0 or total % known:
                raise ValueError(
                    f"Reshape '{self.name}': cannot reshape input of shape {tuple(input_shape)} "
                    f"to target shape {self.target_shape}.")
            return tuple(total // known if d == -1 else d for d in self.target_shape)
        if known != total:
            raise ValueError(
                f"Reshape '{self.name}': total size of the input {tuple(input_shape)} "
                f"({total} per sample) does not match target shape {self.target_shape} ({known}).")
        return self.target_shape

    def call(self, inputs):
        return jnp.reshape(inputs, (inputs.shape[0],) + self._resolve(inputs.shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(input_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permute non-batch axes: dims=(2, 1) swaps axes 1 and 2 (1-indexed like Keras)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute '{self.name}': dims must be a permutation of 1..{len(self.dims)}, "
                             f"got {self.dims}.")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True

    def call(self, inputs):
        return jnp.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        return jnp.repeat(inputs[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
