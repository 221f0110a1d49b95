"""Lamb: Adam's direction rescaled per variable by the trust ratio `||w|| / ||update||`."""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import decay_factors, keras_variable_rule


class Lamb(Optimizer):
    """Layer-wise adaptive moments, as Keras 3.

    `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g**2`,
    `u = (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + epsilon)`,
    `w -= lr * ||w|| / ||u|| * u` (ratio 1 when either norm is 0).

    Args:
        learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-7.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"momentum": "momentum", "velocity": "velocity"}
    _config_keys = ("beta_1", "beta_2", "epsilon")
    _rule_applies_weight_decay = True

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
        b1, b2, eps = self.beta_1, self.beta_2, self.epsilon

        def init_slots(i, p):
            return {"momentum": jnp.zeros_like(p), "velocity": jnp.zeros_like(p)}

        def step(t, lr, g, w, slots):
            m = slots["momentum"] + (g - slots["momentum"]) * (1 - b1)
            v = slots["velocity"] + (jnp.square(g) - slots["velocity"]) * (1 - b2)
            update = (m / (1.0 - jnp.power(jnp.float32(b1), t))) / (
                jnp.sqrt(v / (1.0 - jnp.power(jnp.float32(b2), t))) + eps)
            w_norm = jnp.sqrt(jnp.sum(jnp.square(w)))
            u_norm = jnp.sqrt(jnp.sum(jnp.square(update)))
            safe_u = jnp.where(u_norm > 0, u_norm, 1.0)
            ratio = jnp.where((w_norm > 0) & (u_norm > 0), w_norm / safe_u, 1.0)
            return w - ratio * lr * update, {"momentum": m, "velocity": v}

        return keras_variable_rule(init_slots, step, learning_rate,
                                   decay_factors(self.weight_decay, decay_mask))

    def _keras_slot_groups(self):
        return [("momentum", "velocity")]
