"""Merging layers: combine a list of tensors into one (Concatenate, Add, Subtract, ...)."""

import functools

import jax
import jax.numpy as jnp

from lamina.core.layer import Layer


def _broadcast_shape(layer, shapes):
    """Output shape of an elementwise merge (numpy broadcasting; None matches anything)."""
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[i - rank + len(s)] for s in shapes if i - rank + len(s) >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}) received inputs with "
                f"incompatible shapes {[tuple(s) for s in shapes]}.")
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


class Merge(Layer):
    """Base of the elementwise merges: `call(inputs)` with a list of at least 2 tensors."""

    min_inputs = 2
    max_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check(self, shapes):
        if not isinstance(shapes, (list, tuple)) or not shapes or not isinstance(shapes[0], (list, tuple)):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) must be called on a list "
                             f"of inputs, got input shape {shapes}.")
        n = len(shapes)
        if n < self.min_inputs or (self.max_inputs is not None and n > self.max_inputs):
            want = f"exactly {self.max_inputs}" if self.max_inputs == self.min_inputs else \
                f"at least {self.min_inputs}"
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects {want} inputs, "
                             f"got {n}.")

    def build(self, input_shape):
        self._check(input_shape)
        _broadcast_shape(self, input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return _broadcast_shape(self, input_shape)

    def call(self, inputs):
        return functools.reduce(self._merge, inputs)


class Add(Merge):
    """Elementwise sum of the inputs."""

    _merge = staticmethod(jnp.add)


class Subtract(Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    max_inputs = 2
    _merge = staticmethod(jnp.subtract)


class Multiply(Merge):
    """Elementwise product of the inputs."""

    _merge = staticmethod(jnp.multiply)


class Maximum(Merge):
    _merge = staticmethod(jnp.maximum)


class Minimum(Merge):
    _merge = staticmethod(jnp.minimum)


class Average(Merge):
    """Elementwise mean of the inputs."""

    def call(self, inputs):
        return functools.reduce(jnp.add, inputs) / len(inputs)


class Concatenate(Merge):
    """Concatenate along `axis` (default -1); other dims must agree."""

    min_inputs = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _output_shape(self, shapes):
        self._check(shapes)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f"Layer '{self.name}' (Concatenate) requires inputs of the same rank, got shapes "
                f"{[tuple(s) for s in shapes]}.")
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, d in enumerate(s):
                if i == axis:
                    out[i] = None if out[i] is None or d is None else out[i] + d
                elif out[i] is None:
                    out[i] = d
                elif d is not None and d != out[i]:
                    raise ValueError(
                        f"Layer '{self.name}' (Concatenate) requires inputs with matching shapes "
                        f"except on the concatenation axis {self.axis}; received shapes "
                        f"{[tuple(s) for s in shapes]}.")
        return tuple(out)

    def build(self, input_shape):
        self._output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def call(self, inputs):
        return jnp.concatenate(list(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """Dot product of two tensors along `axes` (int or pair); `normalize` for cosine."""

    min_inputs = max_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def _axes(self, r1, r2):
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        return axes[0] % r1, axes[1] % r2

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        s1, s2 = map(list, input_shape)
        a1, a2 = self._axes(len(s1), len(s2))
        out = s1[:a1] + s1[a1 + 1:] + s2[1:a2] + s2[a2 + 1:]
        return tuple(out) if len(out) > 1 else (out[0], 1)

    def call(self, inputs):
        x, y = inputs
        a1, a2 = self._axes(x.ndim, y.ndim)
        if self.normalize:
            x = x / jnp.maximum(jnp.linalg.norm(x, axis=a1, keepdims=True), 1e-12)
            y = y / jnp.maximum(jnp.linalg.norm(y, axis=a2, keepdims=True), 1e-12)
        out = jax.vmap(lambda a, b: jnp.tensordot(a, b, axes=(a1 - 1, a2 - 1)))(x, y)
        if out.ndim == 1:
            out = out[:, None]
        return out

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _functional(cls):
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)

    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = f"Functional form: `{cls.__name__}(**kwargs)(inputs)`."
    return merge


add = _functional(Add)
subtract = _functional(Subtract)
multiply = _functional(Multiply)
average = _functional(Average)
maximum = _functional(Maximum)
minimum = _functional(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form: `Concatenate(axis=axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    return Dot(axes=axes, **kwargs)(inputs)
