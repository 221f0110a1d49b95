"""RMSprop."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments


class RMSprop(Optimizer):
    """RMSprop, as Keras 3.

    `v = rho * v + (1 - rho) * g**2`; step `lr * g / sqrt(v + epsilon)` (epsilon
    inside the root). `centered` also tracks `a = rho * a + (1 - rho) * g` and uses
    `v - a**2`. With `momentum > 0`: `m = momentum * m + step`, `w -= m`.

    Args:
        learning_rate: 0.001. rho: 0.9. momentum: 0.0. epsilon: 1e-7. centered: False.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"nu": "velocity", "trace": "momentum", "mu": "average_gradient"}
    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _update_rule(self, learning_rate, decay_mask):
        if self.centered:
            scale = optax.scale_by_stddev(decay=self.rho, eps=self.epsilon, initial_scale=0.0)
        else:
            scale = optax.scale_by_rms(decay=self.rho, eps=self.epsilon, initial_scale=0.0)
        if self.momentum > 0:
            # Keras's momentum slot accumulates `+lr * step`; the sign flips last.
            return optax.chain(scale, optax.scale_by_learning_rate(learning_rate, flip_sign=False),
                               optax.trace(decay=self.momentum), optax.scale(-1.0))
        return optax.chain(scale, optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        groups = [("velocity",)]
        if self.momentum > 0:
            groups.append(("momentum",))
        if self.centered:
            groups.append(("average_gradient",))
        return groups
