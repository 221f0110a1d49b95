"""keras.config: global settings (floatx, epsilon, image data format, safe loading)."""

from lamina.backend.config import (  # noqa: F401
    disable_shape_bucketing,
    enable_shape_bucketing,
    epsilon,
    floatx,
    image_data_format,
    is_shape_bucketing_enabled,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.dtype_policies.dtype_policy import dtype_policy, set_dtype_policy  # noqa: F401
from lamina.core.serialization.safe_mode import enable_unsafe_deserialization  # noqa: F401


def backend():
    """The name of the backend: lamina always runs on JAX."""
    return "jax"
