"""Layer's dtype-policy and quantization members (lamina/core/layer_quantization.py)."""

import pytest

import lamina
from lamina.core.layer_quantization import QuantizationUnavailableError


def test_a_layer_without_a_quantized_form_raises_a_value_error():
    layer = lamina.layers.LayerNormalization()
    layer.build((None, 4))
    with pytest.raises(QuantizationUnavailableError,
                       match=r"LayerNormalization \('layer_normalization.*'\) has no quantized "
                             r"form \(mode='int8'\)"):
        layer.quantize("int8")
    assert issubclass(QuantizationUnavailableError, ValueError)


def test_policy_setter_takes_quantized_policies():
    layer = lamina.layers.Dense(2)
    layer.dtype_policy = "int8_from_mixed_bfloat16"
    assert layer.quantization_mode == "int8" and layer.compute_dtype == "bfloat16"
    assert layer.dtype_policy.name == "int8_from_mixed_bfloat16"
    assert layer.get_config()["dtype"] == "int8_from_mixed_bfloat16"
    layer.dtype_policy = lamina.dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", 8)
    assert layer.dtype_policy.amax_history_length == 8 and layer.variable_dtype == "float32"
    layer.dtype_policy = "float16"
    assert layer.quantization_mode is None and layer.dtype == "float16"
