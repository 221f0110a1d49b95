"""Muon: orthogonalised momentum for 2-D weights, AdamW for the rest."""

import re

import jax.numpy as jnp

from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.transforms import keras_variable_rule


def _swap_last_axes(x):
    return jnp.swapaxes(x, -1, -2)


def newton_schulz(x, steps, a, b, c):
    """Approximate the orthogonal factor `U V^T` of `x` (rank >= 2) by `steps` quintic
    Newton-Schulz iterations with coefficients `a, b, c`, as Keras's Muon does."""
    if x.ndim < 2:
        raise ValueError("Expected gradient or momentum to have at least 2 dimensions. "
                         f"Received: shape={x.shape}")
    tall = x.shape[-2] > x.shape[-1]
    if tall:
        x = _swap_last_axes(x)
    x = x / (jnp.linalg.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
    for _ in range(steps):
        gram = x @ _swap_last_axes(x)
        x = a * x + (b * gram + c * gram @ gram) @ x
    return _swap_last_axes(x) if tall else x


class Muon(Optimizer):
    """Muon, as Keras 3.

    2-D variables (except embeddings when `exclude_embeddings`, and paths matching a
    regex of `exclude_layers`) take `m = momentum*m + g`, direction `g + momentum*m`
    (`nesterov`) or `m`, orthogonalised by `ns_steps` Newton-Schulz iterations and
    scaled by `sqrt(max(rows, cols)) * rms_rate` (`rms_rate=None`: unscaled), with
    weight decay `weight_decay`. The others use AdamW (rate `lr * adam_lr_ratio`,
    decay `adam_weight_decay`).

    Args:
        learning_rate: 0.001. adam_beta_1: 0.9. adam_beta_2: 0.999.
        adam_weight_decay: 0.004. epsilon: 1e-7. weight_decay: 0.004.
        exclude_layers: None. exclude_embeddings: True. muon_a: 3.4445. muon_b: -4.7750.
        muon_c: 2.0315. adam_lr_ratio: 1. momentum: 0.95. ns_steps: 5. nesterov: True.
        rms_rate: 0.2.
        The other base `Optimizer` arguments in Keras's order.
    """

    _slot_fields = {"momentum": "momentum", "velocity": "velocity"}
    _config_keys = ("adam_beta_1", "adam_beta_2", "epsilon", "exclude_layers", "muon_a",
                    "muon_b", "muon_c", "adam_lr_ratio", "momentum", "ns_steps", "nesterov",
                    "exclude_embeddings", "adam_weight_decay", "rms_rate")
    _rule_applies_weight_decay = True

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None,
                 exclude_embeddings=True, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
                 adam_lr_ratio=1, momentum=0.95, ns_steps=5, nesterov=True, rms_rate=0.2,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue, global_clipnorm=global_clipnorm,
                         use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name,
                         **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate
        self._uses_adamw = []

    def _should_use_adamw(self, variable):
        """Whether `variable` takes the AdamW step rather than Muon's."""
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(pattern, variable.path) for pattern in self.exclude_layers)

    def _make_transform(self, var_list):
        self._uses_adamw = [self._should_use_adamw(v) for v in var_list]
        return super()._make_transform(var_list)

    def _update_rule(self, learning_rate, decay_mask):
        adamw = self._uses_adamw
        b1, b2, eps = self.adam_beta_1, self.adam_beta_2, self.epsilon
        mu, nesterov, rms_rate = self.momentum, self.nesterov, self.rms_rate
        ns = (self.ns_steps, self.muon_a, self.muon_b, self.muon_c)
        decays = [(self.adam_weight_decay if use_adam else self.weight_decay) if m else None
                  for use_adam, m in zip(adamw, decay_mask)]

        def init_slots(i, p):
            slots = {"momentum": jnp.zeros_like(p)}
            slots["velocity"] = jnp.zeros_like(p) if adamw[i] else None
            return slots

        def adamw_step(t, lr, g, w, slots):
            lr = lr * self.adam_lr_ratio
            alpha = lr * jnp.sqrt(1 - jnp.power(jnp.float32(b2), t)) / (
                1 - jnp.power(jnp.float32(b1), t))
            m = slots["momentum"] + (g - slots["momentum"]) * (1 - b1)
            v = slots["velocity"] + (jnp.square(g) - slots["velocity"]) * (1 - b2)
            return w - (m * alpha) / (jnp.sqrt(v) + eps), {"momentum": m, "velocity": v}

        def muon_step(t, lr, g, w, slots):
            m = slots["momentum"] * mu + g
            direction = newton_schulz(g + mu * m if nesterov else m, *ns)
            update = lr * direction
            if rms_rate is not None:
                update = update * jnp.sqrt(jnp.float32(max(w.shape[0], w.shape[1]))) * rms_rate
            return w - update, {"momentum": m}

        def step(t, lr, g, w, slots):
            if "velocity" in slots:
                return adamw_step(t, lr, g, w, slots)
            return muon_step(t, lr, g, w, slots)

        return keras_variable_rule(init_slots, step, learning_rate, decays)

    def _keras_slot_groups(self):
        return [("momentum", "velocity")]
