"""keras.dtype_policies: DTypePolicy and its lookup and (de)serialization."""

from lamina.dtype_policies.dtype_policy import (  # noqa: F401
    DTypePolicy,
    QuantizedDTypePolicy,
    QuantizedFloat8DTypePolicy,
    deserialize,
    get,
    serialize,
)

FloatDTypePolicy = DTypePolicy  # Keras 3's older name for a float (non-quantized) policy
