"""Adagrad."""

import optax

from lamina.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad, as Keras 3: `acc += g**2`, `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: 0.001. initial_accumulator_value: 0.1. epsilon: 1e-7.
        **kwargs: the base `Optimizer` arguments.
    """

    _slot_fields = {"sum_of_squares": "accumulator"}
    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _update_rule(self, learning_rate, decay_mask):
        return optax.chain(
            optax.scale_by_rss(initial_accumulator_value=self.initial_accumulator_value,
                               eps=self.epsilon),
            optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("accumulator",)]
