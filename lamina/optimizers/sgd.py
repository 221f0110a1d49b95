"""SGD, with optional (Nesterov) momentum."""

import optax

from lamina.optimizers.optimizer import Optimizer, base_arguments


class SGD(Optimizer):
    """Gradient descent with momentum, as Keras 3.

    Without momentum: `w -= lr * g`. With momentum: `m = momentum * m - lr * g`,
    then `w += m` (or `w += momentum * m - lr * g` when `nesterov`). The slot `m`
    already includes the learning rate, as in Keras.

    Args:
        learning_rate: float or schedule, 0.01 by default.
        momentum: float >= 0, 0.0 by default.
        nesterov: bool, False by default.
        weight_decay ... name: the base `Optimizer` arguments.
    """

    _slot_fields = {"trace": "momentum"}
    _config_keys = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **base_arguments(locals()), **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not (
                0 <= momentum <= 1):
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def _update_rule(self, learning_rate, decay_mask):
        step = optax.scale_by_learning_rate(learning_rate)
        if self.momentum == 0:
            return step
        return optax.chain(step, optax.trace(decay=self.momentum, nesterov=self.nesterov))

    def _keras_slot_groups(self):
        return [("momentum",)] if self.momentum != 0 else []
