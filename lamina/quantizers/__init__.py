"""Quantizers and quantization configs (Keras's `keras.quantizers` names)."""

from lamina.quantizers.quantization_config import (
    Float8QuantizationConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from lamina.quantizers.quantizers import (
    AbsMaxQuantizer,
    Quantizer,
    abs_max_quantize,
    abs_max_quantize_grouped_with_zero_point,
    compute_float8_amax_history,
    compute_float8_scale,
    pack_int4,
    quantize_and_dequantize,
    unpack_int4,
)
from lamina.quantizers.registry import deserialize, get, serialize
