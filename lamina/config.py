"""keras.config: global settings (floatx, epsilon, image data format, safe loading)."""

from lamina.backend.config import (  # noqa: F401
    backend,
    disable_flash_attention,
    disable_shape_bucketing,
    enable_flash_attention,
    enable_shape_bucketing,
    epsilon,
    floatx,
    image_data_format,
    is_flash_attention_enabled,
    is_shape_bucketing_enabled,
    set_epsilon,
    set_floatx,
    set_image_data_format,
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
