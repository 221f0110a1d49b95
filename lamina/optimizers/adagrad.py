"""Adagrad."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments


class Adagrad(Optimizer):
    """Adagrad, as Keras 3: `acc += g**2`, `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: 0.001. initial_accumulator_value: 0.1. epsilon: 1e-7.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"sum_of_squares": "accumulator"}
    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _update_rule(self, learning_rate, decay_mask):
        return optax.chain(
            optax.scale_by_rss(initial_accumulator_value=self.initial_accumulator_value,
                               eps=self.epsilon),
            optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("accumulator",)]
