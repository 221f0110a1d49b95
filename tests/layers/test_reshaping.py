"""Flatten, Reshape, Permute, RepeatVector: values against Keras 3, shapes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

X = np.random.default_rng(2).standard_normal((2, 3, 4)).astype("float32")


@pytest.mark.parametrize("make", [
    lambda L: L.Flatten(),
    lambda L: L.Flatten(data_format="channels_first"),
    lambda L: L.Reshape((4, 3)),
    lambda L: L.Reshape((-1, 2)),
    lambda L: L.Reshape((12,)),
    lambda L: L.Permute((2, 1)),
])
def test_matches_keras(make):
    ours, theirs = make(layers), make(real_keras.layers)
    np.testing.assert_array_equal(ours(X), theirs(X))
    sym_ours = ours(keras.Input(X.shape[1:]))
    sym_theirs = theirs(real_keras.Input(X.shape[1:]))
    assert sym_ours.shape == tuple(sym_theirs.shape)


def test_repeat_vector_matches_keras():
    x = X[:, 0, :]
    np.testing.assert_array_equal(layers.RepeatVector(3)(x), real_keras.layers.RepeatVector(3)(x))
    assert layers.RepeatVector(3)(keras.Input((4,))).shape == (None, 3, 4)


def test_symbolic_shapes_with_unknown_dims():
    assert layers.Flatten()(keras.Input((None, 4))).shape == (None, None)
    assert layers.Reshape((-1, 2))(keras.Input((3, 4))).shape == (None, 6, 2)
    assert layers.Flatten()(keras.Input((5,))).shape == (None, 5)


def test_reshape_errors():
    with pytest.raises(ValueError, match=r"does not match target shape \(5,\)"):
        layers.Reshape((5,))(keras.Input((3, 4)))
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((-1, 5))(keras.Input((3, 4)))
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))


def test_permute_and_repeat_vector_check_rank():
    with pytest.raises(ValueError, match="permutation"):
        layers.Permute((1, 3))
    with pytest.raises(ValueError, match=r"'swap'.*ndim=3.*\(None, 4\)"):
        layers.Permute((2, 1), name="swap")(keras.Input((4,)))
    with pytest.raises(ValueError, match=r"ndim=2.*\(None, 3, 4\)"):
        layers.RepeatVector(2)(keras.Input((3, 4)))


@pytest.mark.parametrize("layer", [layers.Flatten(name="f"), layers.Reshape((2, -1), name="r"),
                                   layers.Permute((2, 1), name="p"), layers.RepeatVector(4, name="rv")])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(X if layer.name != "rv" else X[:, 0]),
                                  layer(X if layer.name != "rv" else X[:, 0]))
