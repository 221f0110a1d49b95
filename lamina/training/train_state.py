"""TrainState: the values one training or evaluation step reads and returns, by name.

Steps are pure functions of a TrainState; a user's `train_step(state, data)` gets it as the
tuple Keras 3's JAX backend passes (`as_keras_state`), and its result comes back through
`from_keras_state`.
"""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp


class TrainState(NamedTuple):
    """Variable values in the orders of `model.trainable_variables`,
    `model.non_trainable_variables`, `optimizer.variables` and `model.metrics_variables`.

    step_logs: the logs the last step returned, kept only when they are not the metrics'
        results (a custom step reporting its own values, Keras's rule); else None and
        logs are read from the metrics.
    """

    trainable: list
    non_trainable: list
    optimizer: list
    metrics: list
    step_logs: Any = None

    def as_keras_state(self, mode):
        """The tuple a user's step receives: (trainable, non_trainable, optimizer, metrics)
        for "train", (trainable, non_trainable, metrics) for "test"."""
        if mode == "train":
            return (self.trainable, self.non_trainable, self.optimizer, self.metrics)
        return (self.trainable, self.non_trainable, self.metrics)

    def from_keras_state(self, mode, new_state, logs):
        """This state updated with a step's `new_state` tuple (checked) and `logs`."""
        names = KERAS_STATE_NAMES[mode]
        _check_parts(new_state, self.as_keras_state(mode), mode)
        parts = dict(zip(names, (list(p) for p in new_state)))
        if self.step_logs is None:
            return self._replace(**parts)
        # Same structure and dtypes every step: the logs ride in a compiled loop's carry.
        logs = jax.tree_util.tree_map(lambda t, v: jnp.asarray(v, t.dtype), self.step_logs, logs)
        return self._replace(step_logs=logs, **parts)

    def with_metrics(self, values):
        return self._replace(metrics=list(values))


KERAS_STATE_NAMES = {"train": ("trainable", "non_trainable", "optimizer", "metrics"),
                     "test": ("trainable", "non_trainable", "metrics")}


def _check_parts(new_state, old_state, mode):
    names = KERAS_STATE_NAMES[mode]
    if len(new_state) != len(names):
        raise ValueError(f"{mode}_step returned a state of {len(new_state)} parts; expected "
                         f"{len(names)}: ({', '.join(names)}).")
    for name, new, old in zip(names, new_state, old_state):
        if len(new) != len(old):
            raise ValueError(
                f"{mode}_step returned {len(new)} {name} variable values; the model has "
                f"{len(old)} (in the order of the state it was given).")


def split_step_result(result, mode):
    """`(logs, new_state)` of what a user's step returned, with a clear error otherwise."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2
            and isinstance(result[0], dict) and isinstance(result[1], (tuple, list))):
        names = KERAS_STATE_NAMES[mode]
        raise ValueError(
            f"{mode}_step must return (logs, new_state): a dict of logs and the state tuple "
            f"({', '.join(names)} variable values); got {_describe(result)}.")
    return result[0], result[1]


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of ({', '.join(type(v).__name__ for v in value)})"
    return type(value).__name__
