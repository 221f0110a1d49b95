"""Adafactor: Adam-like steps with a factored (row x column) second moment."""

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import decay_factors, keras_variable_rule


def _rms(x):
    return jnp.sqrt(jnp.mean(jnp.square(x)))


class Adafactor(Optimizer):
    """Adafactor, as Keras 3.

    With `t` the step, `rho = min(lr, 1/sqrt(t))`, `beta2_t = 1 - t**beta_2_decay` and
    `G = g**2 + epsilon_1`: a variable of rank >= 2 keeps row means `r` (shape
    `w.shape[:-1]`) and column means `c` (`w.shape[:-2] + w.shape[-1:]`) of `G` as moving
    averages and `v = (r / mean(r)) outer c`; a smaller one keeps `v` as a moving average
    of `G`. `u = g / sqrt(v)`, clipped to RMS `clip_threshold`, and
    `w -= max(epsilon_2, rms(w)) * rho * u`.

    Args:
        learning_rate: 0.001. beta_2_decay: -0.8. epsilon_1: 1e-30. epsilon_2: 1e-3.
        clip_threshold: 1.0. relative_step: True (the step is capped at `1/sqrt(t)`).
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"r": "r", "c": "c", "velocity": "velocity"}
    _config_keys = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")
    _rule_applies_weight_decay = True

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def _update_rule(self, learning_rate, decay_mask):
        decay, eps1, eps2, clip = (self.beta_2_decay, self.epsilon_1, self.epsilon_2,
                                   self.clip_threshold)

        def init_slots(i, p):
            if p.ndim < 2:  # Keras keeps scalar placeholders for r and c here
                r = c = jnp.zeros([], p.dtype)
            else:
                r = jnp.zeros(p.shape[:-1], p.dtype)
                c = jnp.zeros(p.shape[:-2] + p.shape[-1:], p.dtype)
            return {"r": r, "c": c, "velocity": jnp.zeros_like(p)}

        def step(t, lr, g, w, slots):
            # `relative_step` caps the rate at 1/sqrt(t); rho applies that cap anyway.
            rho = jnp.minimum(lr, 1.0 / jnp.sqrt(t))
            alpha = jnp.maximum(eps2, _rms(w)) * rho
            g2 = jnp.square(g) + eps1
            beta2 = 1.0 - jnp.power(t, decay)
            r, c = slots["r"], slots["c"]
            if w.ndim >= 2:
                r = beta2 * r + (1 - beta2) * jnp.mean(g2, axis=-1)
                c = beta2 * c + (1 - beta2) * jnp.mean(g2, axis=-2)
                v = (r / jnp.mean(r, axis=-1, keepdims=True))[..., None] * c[..., None, :]
            else:
                v = beta2 * slots["velocity"] + (1 - beta2) * g2
            u = g / jnp.sqrt(v)
            u = u / jnp.maximum(1.0, _rms(u) / clip)
            return w - alpha * u, {"r": r, "c": c, "velocity": v}

        return keras_variable_rule(init_slots, step, learning_rate,
                                   decay_factors(self.weight_decay, decay_mask))

    def _keras_slot_groups(self):
        return [("r", "c", "velocity")]
