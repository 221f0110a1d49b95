"""The learning rate as `optimizer.learning_rate` reads it, and how a callable rate is
told apart from a step schedule."""

import inspect

import numpy as np


def _takes_step(fn):
    """Whether `fn` needs one positional argument (a step schedule, e.g. an optax schedule)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    required = [p for p in params if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(required) == 1


class LearningRateValue(float):
    """What `optimizer.learning_rate` reads: a float that also answers `numpy()` and
    `assign(value)`, like the Keras Variable it stands for. Copies are plain floats."""

    def __new__(cls, value, optimizer=None):
        obj = super().__new__(cls, value)
        obj._optimizer = optimizer
        return obj

    def numpy(self):
        return np.float32(self)

    def assign(self, value):
        """Set the optimizer's learning rate (same as `optimizer.learning_rate = value`)."""
        self._optimizer.learning_rate = value

    def __reduce__(self):
        return float, (float(self),)
