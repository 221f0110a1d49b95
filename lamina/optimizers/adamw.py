"""AdamW: Adam with decoupled weight decay on by default."""

from lamina.optimizers.adam import Adam
from lamina.optimizers.optimizer import base_arguments


class AdamW(Adam):
    """Adam with decoupled weight decay (`w -= lr * weight_decay * w` each step).

    Args:
        learning_rate: 0.001. weight_decay: 0.004. beta_1: 0.9. beta_2: 0.999.
        epsilon: 1e-7. amsgrad: False.
        clipnorm ... name: the other base `Optimizer` arguments.
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                         epsilon=epsilon, amsgrad=amsgrad, **base_arguments(locals()), **kwargs)
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: "
                             "weight_decay=None")
