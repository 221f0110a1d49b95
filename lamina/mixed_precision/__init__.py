"""keras.mixed_precision: dtype policies and loss scaling."""

from lamina.dtype_policies.dtype_policy import (  # noqa: F401
    DTypePolicy,
    dtype_policy,
    set_dtype_policy,
)
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer  # noqa: F401

Policy = DTypePolicy  # Keras's older name
global_policy = dtype_policy
set_global_policy = set_dtype_policy
