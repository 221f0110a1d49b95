"""Lion."""

import jax.numpy as jnp
import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments


class Lion(Optimizer):
    """Lion, as Keras 3: `w -= lr * sign(b1*m + (1-b1)*g)`, then `m = b2*m + (1-b2)*g`.

    Args:
        learning_rate: 0.001. beta_1: 0.9. beta_2: 0.99.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"mu": "momentum"}
    _config_keys = ("beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument for `beta_1` must be in range [0, 1]. "
                             f"Received: beta_1={beta_1}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _update_rule(self, learning_rate, decay_mask):
        # Keras rounds the betas to float32 before forming `1 - beta`.
        b1, b2 = jnp.float32(self.beta_1), jnp.float32(self.beta_2)
        return optax.chain(optax.scale_by_lion(b1=b1, b2=b2),
                           optax.scale_by_learning_rate(learning_rate))

    def _keras_slot_groups(self):
        return [("momentum",)]
