"""Adadelta."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments


class Adadelta(Optimizer):
    """Adadelta, as Keras 3.

    `Eg = rho*Eg + (1-rho)*g**2`, `d = sqrt(Ex + eps) / sqrt(Eg + eps) * g`,
    `Ex = rho*Ex + (1-rho)*d**2`, `w -= lr * d`.

    Args:
        learning_rate: 0.001. rho: 0.95. epsilon: 1e-7.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"e_g": "accumulated_grad", "e_x": "accumulated_delta_var"}
    _config_keys = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _update_rule(self, learning_rate, decay_mask):
        return optax.chain(optax.scale_by_adadelta(rho=self.rho, eps=self.epsilon),
                           optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("accumulated_grad", "accumulated_delta_var")]
