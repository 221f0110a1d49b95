"""keras.config: global settings (floatx, epsilon, image data format, safe loading)."""

from lamina.backend.config import (  # noqa: F401
    backend,
    disable_flash_attention,
    disable_interactive_logging,
    disable_shape_bucketing,
    disable_traceback_filtering,
    enable_flash_attention,
    enable_interactive_logging,
    enable_shape_bucketing,
    enable_traceback_filtering,
    epsilon,
    floatx,
    image_data_format,
    is_flash_attention_enabled,
    is_interactive_logging_enabled,
    is_shape_bucketing_enabled,
    is_traceback_filtering_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    set_max_epochs,
    set_max_steps_per_epoch,
)
from lamina.dtype_policies.dtype_policy import dtype_policy, set_dtype_policy  # noqa: F401
from lamina.core.serialization.safe_mode import enable_unsafe_deserialization  # noqa: F401


def set_backend(backend):
    """lamina runs on JAX only: "jax" is accepted (nothing changes), any other name is refused."""
    if backend != "jax":
        raise ValueError(f"set_backend(): lamina runs on JAX only; received backend={backend!r}. "
                         "Use backend='jax'.")


def is_nnx_enabled():
    """Flax NNX integration is not part of lamina: always False."""
    return False
