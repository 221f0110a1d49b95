"""FTRL-proximal."""

from lamina.optimizers.optimizer import Optimizer, base_arguments
from lamina.optimizers.transforms import keras_ftrl


class Ftrl(Optimizer):
    """Follow-the-regularized-leader, as Keras 3 (with L1, L2 and L2-shrinkage).

    Args:
        learning_rate: 0.001. learning_rate_power: -0.5 (<= 0).
        initial_accumulator_value: 0.1. l1_regularization_strength: 0.0.
        l2_regularization_strength: 0.0. l2_shrinkage_regularization_strength: 0.0.
        beta: 0.0.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"accumulator": "accumulator", "linear": "linear"}
    _config_keys = ("learning_rate_power", "initial_accumulator_value",
                    "l1_regularization_strength", "l2_regularization_strength",
                    "l2_shrinkage_regularization_strength", "beta")
    _rule_applies_weight_decay = True

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        checks = {"initial_accumulator_value": initial_accumulator_value,
                  "l1_regularization_strength": l1_regularization_strength,
                  "l2_regularization_strength": l2_regularization_strength,
                  "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength}
        for arg, value in checks.items():
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _update_rule(self, learning_rate, decay_mask):
        return keras_ftrl(learning_rate, self.learning_rate_power, self.initial_accumulator_value,
                          self.l1_regularization_strength, self.l2_regularization_strength,
                          self.l2_shrinkage_regularization_strength, self.beta,
                          weight_decay=self.weight_decay, decay_mask=decay_mask)

    def _keras_slot_groups(self):
        return [("accumulator", "linear")]
