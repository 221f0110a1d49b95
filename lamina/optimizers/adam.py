"""Adam."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import scale_by_keras_adam


class Adam(Optimizer):
    """Adam, as Keras 3.

    `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g**2`,
    `w -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon)` (Keras's epsilon
    placement). `amsgrad` uses the running maximum of `v`.

    Args:
        learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7. amsgrad: False.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"mu": "momentum", "nu": "velocity", "nu_max": "velocity_hat"}
    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _update_rule(self, learning_rate, decay_mask):
        return optax.chain(
            scale_by_keras_adam(self.beta_1, self.beta_2, self.epsilon, self.amsgrad),
            optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("momentum", "velocity")] + ([("velocity_hat",)] if self.amsgrad else [])
