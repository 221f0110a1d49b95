"""Weight regularizers: `reg(weights)` gives a scalar penalty added to the loss."""

import jax.numpy as jnp

from lamina.core.lookup import deserialize_with, get_object
from lamina.core.serialization.serialization import serialize_keras_object


class Regularizer:
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x**2). Defaults 0.0."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * jnp.sum(jnp.abs(x))
        if self.l2:
            penalty += self.l2 * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """factor * mean of squared off-diagonal entries of the rows' (or columns') Gram matrix."""

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer mode must be 'rows' or 'columns', got {mode!r}.")
        self.factor, self.mode = factor, mode

    def __call__(self, x):
        x = x if self.mode == "rows" else x.T
        x = x / jnp.maximum(jnp.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        gram = x @ x.T
        n = gram.shape[0]
        off = gram - jnp.eye(n, dtype=gram.dtype)
        return self.factor * jnp.sum(jnp.square(off)) / (n * (n - 1) if n > 1 else 1)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer
ALL = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
       "l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer}


def get(identifier):
    """None, a name ("l2"), a config dict, or a callable -> a regularizer (or None)."""
    return get_object(identifier, ALL, "regularizer", "regularizers")


def serialize(regularizer):
    """The config dict Keras writes for `regularizer` (module, class_name, config)."""
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer a config dict (or a name) describes."""
    return deserialize_with(get, config, custom_objects)
