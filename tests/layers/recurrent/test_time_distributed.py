"""TimeDistributed against Keras 3: values, masks, shapes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

from .helpers import RNG, assert_same_as_keras, sequences


class MaskAware(layers.Layer):
    def call(self, inputs, mask=None):
        return inputs if mask is None else inputs * mask[..., None]


def test_matches_keras():
    assert_same_as_keras(layers.TimeDistributed(layers.Dense(3, activation="relu")),
                         real_keras.layers.TimeDistributed(real_keras.layers.Dense(3, activation="relu")),
                         sequences())
    images = RNG.standard_normal((2, 3, 5, 5, 2)).astype("float32")
    assert_same_as_keras(layers.TimeDistributed(layers.Conv2D(4, 3)),
                         real_keras.layers.TimeDistributed(real_keras.layers.Conv2D(4, 3)), images)


def test_in_a_masked_model():
    tokens = keras.Input((4,), dtype="int32")
    x = layers.Embedding(6, 3, mask_zero=True)(tokens)
    td = layers.TimeDistributed(layers.Dense(2))
    y = td(x)
    assert y.shape == (None, 4, 2) and y._keras_mask is not None
    out = layers.LSTM(3)(y)
    model = keras.Model(tokens, [out, layers.TimeDistributed(MaskAware())(x)])
    data = np.array([[1, 2, 0, 0], [3, 0, 0, 0]], "int32")
    _, masked = model(data)
    assert np.all(np.asarray(masked)[data == 0] == 0) and np.any(np.asarray(masked)[data != 0] != 0)
    assert [w.path for w in td.weights] == ["time_distributed/dense/kernel", "time_distributed/dense/bias"]


def test_shapes_config_and_errors():
    td = layers.TimeDistributed(layers.Dense(5), name="td")
    assert td(keras.Input((7, 3))).shape == (None, 7, 5)
    flat = layers.TimeDistributed(layers.Flatten())(keras.Input((2, 3, 4)))
    assert flat.shape == (None, 2, 12)
    clone = layers.TimeDistributed.from_config(td.get_config())
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 5 and clone.name == "td"
    with pytest.raises(ValueError, match="layer instance"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="rank >= 3"):
        layers.TimeDistributed(layers.Dense(2))(keras.Input((3,)))
