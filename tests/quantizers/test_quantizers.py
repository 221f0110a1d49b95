"""lamina.quantizers equal Keras 3's: abs-max quantization, int4 packing, configs."""

import numpy as np
import pytest

from lamina import quantizers

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("axis,to_numpy", [(0, False), (-1, True), ((0, 1), False)])
def test_abs_max_quantize_equals_keras(axis, to_numpy):
    x = np.random.default_rng(0).normal(size=(6, 5, 3)).astype("float32")
    mine = quantizers.abs_max_quantize(x, axis=axis, to_numpy=to_numpy)
    theirs = keras.quantizers.abs_max_quantize(x, axis=axis, to_numpy=to_numpy)
    np.testing.assert_array_equal(np.asarray(mine[0]), np.asarray(theirs[0]))
    np.testing.assert_allclose(np.asarray(mine[1]), np.asarray(theirs[1]), rtol=1e-7)
    assert str(mine[0].dtype) == "int8" and mine[1].shape == theirs[1].shape


def test_abs_max_quantizer_equals_keras():
    x = np.random.default_rng(1).normal(size=(4, 7)).astype("float32")
    mine = quantizers.AbsMaxQuantizer(value_range=(-8, 7))(x, axis=-1)
    theirs = keras.quantizers.AbsMaxQuantizer(value_range=(-8, 7))(x, axis=-1)
    np.testing.assert_array_equal(np.asarray(mine[0]), np.asarray(theirs[0]))
    np.testing.assert_allclose(np.asarray(mine[1]), np.asarray(theirs[1]), rtol=1e-7)


@pytest.mark.parametrize("shape,axis", [((5, 4), 0), ((4, 7), -1), ((3, 6), 1)])
def test_pack_and_unpack_int4_equal_keras(shape, axis):
    a = np.random.default_rng(2).integers(-8, 8, shape).astype("int8")
    mine, theirs = quantizers.pack_int4(a, axis=axis), keras.quantizers.pack_int4(a, axis=axis)
    np.testing.assert_array_equal(np.asarray(mine[0]), np.asarray(theirs[0]))
    np.testing.assert_array_equal(np.asarray(mine[1]), np.asarray(theirs[1]))
    assert mine[2] == theirs[2]
    np.testing.assert_array_equal(
        np.asarray(quantizers.unpack_int4(mine[0], shape[axis], axis=axis)), a)


def test_configs_round_trip_and_check():
    config = quantizers.Int8QuantizationConfig()
    assert config.mode == "int8"
    assert isinstance(config.activation_quantizer, quantizers.AbsMaxQuantizer)
    back = quantizers.deserialize(quantizers.serialize(config))
    assert isinstance(back, quantizers.Int8QuantizationConfig)
    assert back.activation_quantizer.get_config() == config.activation_quantizer.get_config()
    theirs = keras.quantizers.deserialize(quantizers.serialize(config))
    assert isinstance(theirs, keras.quantizers.Int8QuantizationConfig)
    with pytest.raises(ValueError, match="output_dtype='int8'"):
        quantizers.Int8QuantizationConfig(
            weight_quantizer=quantizers.AbsMaxQuantizer(output_dtype="int16"))
    assert isinstance(quantizers.get("abs_max_quantizer"), quantizers.AbsMaxQuantizer)
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier: nope"):
        quantizers.get("nope")


@pytest.mark.parametrize("to_numpy", [False, True])
def test_grouped_quantization_equals_keras(to_numpy):
    x = np.random.default_rng(3).normal(size=(300, 7)).astype("float32")
    mine = quantizers.abs_max_quantize_grouped_with_zero_point(x, 128, to_numpy=to_numpy)
    theirs = keras.quantizers.abs_max_quantize_grouped_with_zero_point(x, 128,
                                                                       to_numpy=to_numpy)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
        assert str(np.asarray(a).dtype) == str(np.asarray(b).dtype)


def test_int4_config_checks_like_keras():
    assert quantizers.Int4QuantizationConfig().block_size == 128
    with pytest.raises(ValueError, match="block_size must be None, -1, or a positive"):
        quantizers.Int4QuantizationConfig(block_size=0)
    with pytest.raises(ValueError, match="does not support custom quantizers"):
        quantizers.Int4QuantizationConfig(
            weight_quantizer=quantizers.AbsMaxQuantizer(value_range=(-8, 7)))
    config = quantizers.Int4QuantizationConfig(block_size=-1)
    back = quantizers.deserialize(quantizers.serialize(config))
    assert isinstance(back, quantizers.Int4QuantizationConfig) and back.block_size == -1


def test_float8_helpers_equal_keras():
    for amax in (3.5, 0.0, np.inf):
        mine = quantizers.compute_float8_scale(np.float32(amax), np.float32(0.25), 448.0, 1)
        theirs = keras.quantizers.compute_float8_scale(np.float32(amax), np.float32(0.25),
                                                       448.0, 1)
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=1e-6)
    x = np.random.default_rng(4).normal(size=(5, 3)).astype("float32") * 100
    history = np.arange(4, dtype="float32")
    np.testing.assert_allclose(
        np.asarray(quantizers.compute_float8_amax_history(x, history)),
        np.asarray(keras.quantizers.compute_float8_amax_history(x, history)))
    for dtype in ("float8_e4m3fn", "float8_e5m2"):
        np.testing.assert_array_equal(
            np.asarray(quantizers.quantize_and_dequantize(x, 0.5, dtype, "float32")),
            np.asarray(keras.quantizers.quantize_and_dequantize(x, 0.5, dtype, "float32")))
