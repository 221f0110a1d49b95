"""Weight constraints: applied to a variable's new value after each optimizer step."""

import jax.numpy as jnp

from lamina.core.lookup import deserialize_with, get_object
from lamina.core.serialization.serialization import serialize_keras_object


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class NonNeg(Constraint):
    def __call__(self, w):
        return jnp.maximum(w, 0.0)


class MaxNorm(Constraint):
    """Rescale so that the norm along `axis` is at most `max_value` (default 2, axis 0)."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = jnp.sqrt(jnp.sum(jnp.square(w), axis=self.axis, keepdims=True))
        desired = jnp.clip(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + jnp.sqrt(jnp.sum(jnp.square(w), axis=self.axis, keepdims=True)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = jnp.sqrt(jnp.sum(jnp.square(w), axis=self.axis, keepdims=True))
        desired = self.rate * jnp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
ALL = {"NonNeg": NonNeg, "MaxNorm": MaxNorm, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
       "non_neg": NonNeg, "max_norm": MaxNorm, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm}


def get(identifier):
    """None, a name ("l2"), a config dict, or a callable -> a constraint (or None)."""
    return get_object(identifier, ALL, "constraint", "constraints")


def serialize(constraint):
    """The config dict Keras writes for `constraint` (module, class_name, config)."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint a config dict (or a name) describes."""
    return deserialize_with(get, config, custom_objects)
