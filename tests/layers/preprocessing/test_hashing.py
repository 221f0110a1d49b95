"""Hashing: the same bins as Keras 3 (whose values, which need TensorFlow, are constants
printed by keras_tf_reference.py), compiled use, shapes, configs and errors."""

import jax
import numpy as np
import pytest

import lamina
from lamina import layers

from .keras_tf_reference import hash_values

VALUES = np.array([[0, 1, 2, 3, 9, 10], [-1, -7, 12345, -99999, 2147483647, -2147483648]])

KERAS_MANY = [  # keras.layers.Hashing(2**31 - 1)(hash_values())
    1633463888, 255656265, 572817989, 1737694616, 1683818504, 73863083, 1004653071, 118103575,
    855233125, 525880966, 1393205124, 1104318607, 188119703, 27068297, 181694422, 1684752350,
    1807109742, 1331686642, 1508909984, 1806888957, 145007975, 715687859, 1508909984,
    1456255670, 308242174, 1176314187, 1054799653, 1776074434, 121560829, 1811751241,
    1616440600, 451437167, 1157180181, 177842319, 932040813, 2107130562, 887468713, 400581531,
    439338272, 598888397, 1478369319, 737596281, 715578930, 1401918244, 1108566966,
    1593603483, 608479511, 2047323950, 1852246261, 38826775, 1336088377, 1174469353,
    1825612060, 1313455869, 1681911336, 1972892669, 719357993, 1321234405, 1400801409,
    1574873737, 203827042, 1434583245]


@pytest.mark.parametrize("kwargs,expected", [
    (dict(num_bins=7), [[2, 5, 5, 2, 3, 3], [4, 2, 6, 5, 5, 1]]),
    (dict(num_bins=1000), [[735, 849, 759, 921, 85, 862], [430, 62, 728, 134, 757, 469]]),
    (dict(num_bins=5, mask_value=0), [[0, 2, 4, 2, 2, 3], [3, 3, 1, 3, 2, 2]]),
    (dict(num_bins=6, output_mode="multi_hot"), [[0, 1, 1, 1, 0, 1], [1, 1, 1, 0, 1, 1]]),
])
def test_bins_match_keras(kwargs, expected):
    out = np.asarray(layers.Hashing(**kwargs)(VALUES))
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == (np.int32 if "output_mode" not in kwargs else np.float32)


def test_every_decimal_length_matches_keras_compiled():
    hashing = layers.Hashing(2 ** 31 - 1)
    out = jax.jit(hashing)(hash_values().astype("int32"))
    np.testing.assert_array_equal(out, KERAS_MANY)


def test_floats_shapes_and_a_model():
    np.testing.assert_array_equal(layers.Hashing(7)(np.array([2.7, -7.2], "float32")), [5, 2])
    one_hot = layers.Hashing(4, output_mode="one_hot")
    assert one_hot(np.array([[3], [9]])).shape == (2, 4)
    inputs = lamina.Input((6,), dtype="int32")
    hot = layers.Hashing(16, output_mode="count")(inputs)
    assert hot.shape == (None, 16) and hot.dtype == "float32"
    assert layers.Hashing(16)(inputs).dtype == "int32"
    model = lamina.Model(inputs, layers.Dense(1)(hot))
    model.compile("sgd", "mse")
    model.fit(VALUES.astype("int32"), np.ones((2, 1)), epochs=1, verbose=0)


def test_errors_and_config():
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(3, salt=133)
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(0)
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(3, output_mode="tf_idf")
    layer = layers.Hashing(9, mask_value=-1, output_mode="count", name="h")
    config = layer.get_config()
    assert layers.Hashing.from_config(config).get_config() == config
