"""Nadam."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import scale_by_keras_nadam


class Nadam(Optimizer):
    """Nadam (Adam with Nesterov momentum), as Keras 3, with Keras's momentum
    schedule `u_t = beta_1 * (1 - 0.5 * 0.96^t)` and its running product kept as
    the scalar slot `u_product`.

    Args:
        learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"mu": "momentum", "nu": "velocity"}
    _config_keys = ("beta_1", "beta_2", "epsilon")
    _scalar_fields = {"u_product": "u_product"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _update_rule(self, learning_rate, decay_mask):
        return optax.chain(scale_by_keras_nadam(self.beta_1, self.beta_2, self.epsilon),
                           optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("momentum", "velocity"), ("u_product",)]
