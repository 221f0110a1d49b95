"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024)."""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import decay_factors, keras_variable_rule


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW, as Keras 3.

    `momentum` holds the base sequence `z` (a copy of the variable at build) and the
    variable holds `y = (1-b1) z + b1 x`, `x` being the running average of `z`:
    `v = b2*v + (1-b2)*g**2`; `z -= lr_t * g / (sqrt(v / (1-b2^t)) + epsilon)`;
    `x = (1 - 1/t) * x_old + z / t` with `x_old = (y - (1-b1) z_old) / b1`;
    `lr_t = lr * min(t / warmup_steps, 1)` when `warmup_steps > 0`.

    Args:
        learning_rate: 0.0025. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-8. warmup_steps: 0.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"momentum": "momentum", "velocity": "velocity"}
    _config_keys = ("beta_1", "beta_2", "epsilon", "warmup_steps")
    _rule_applies_weight_decay = True

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        """Create the state; each `momentum` (z) starts as a copy of its variable."""
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        for info, position in zip(self._leaf_infos, self._state_positions):
            if info.kind == "slot" and info.keras_name == "momentum":
                self._variables[position].assign(var_list[info.var_index].value)

    def _update_rule(self, learning_rate, decay_mask):
        b1, b2, eps, warmup = self.beta_1, self.beta_2, self.epsilon, self.warmup_steps

        def init_slots(i, p):
            return {"momentum": jnp.zeros_like(p), "velocity": jnp.zeros_like(p)}

        def step(t, lr, g, y, slots):
            if warmup > 0:
                lr = lr * jnp.minimum(t / warmup, 1.0)
            z_old = slots["momentum"]
            v = slots["velocity"] + (jnp.square(g) - slots["velocity"]) * (1 - b2)
            denom = jnp.sqrt(v / (1 - jnp.power(jnp.float32(b2), t))) + eps
            z = z_old - lr * g / denom
            weight = 1.0 / t
            x_old = (y - (1 - b1) * z_old) / b1
            x = (1 - weight) * x_old + weight * z
            return (1 - b1) * z + b1 * x, {"momentum": z, "velocity": v}

        return keras_variable_rule(init_slots, step, learning_rate,
                                   decay_factors(self.weight_decay, decay_mask))

    def _keras_slot_groups(self):
        return [("momentum", "velocity")]
