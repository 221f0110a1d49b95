"""Dropout, SpatialDropout, GaussianNoise, GaussianDropout: identity at inference, the right
statistics in training, seeds, configs."""

import jax
import numpy as np
import pytest

import lamina as keras
from lamina import layers

X = np.ones((200, 50), "float32")


@pytest.mark.parametrize("cls,arg", [(layers.Dropout, 0.5), (layers.GaussianNoise, 0.3),
                                     (layers.GaussianDropout, 0.4)])
def test_identity_at_inference(cls, arg):
    layer = cls(arg)
    np.testing.assert_array_equal(layer(X), X)
    np.testing.assert_array_equal(layer(X, training=False), X)
    assert layer(keras.Input((7, 3))).shape == (None, 7, 3)


def test_dropout_training_statistics():
    out = np.asarray(layers.Dropout(0.3, seed=0)(X, training=True))
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((out == 0).mean() - 0.3) < 0.02
    assert abs(out.mean() - 1.0) < 0.03


def test_dropout_rate_edges_and_validation():
    np.testing.assert_array_equal(layers.Dropout(0.0)(X, training=True), X)
    np.testing.assert_array_equal(layers.Dropout(1.0)(X, training=True), np.zeros_like(X))
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\]"):
        layers.Dropout(1.5)


def test_dropout_seed_is_reproducible_and_advances():
    a, b = layers.Dropout(0.5, seed=42), layers.Dropout(0.5, seed=42)
    first = np.asarray(a(X, training=True))
    np.testing.assert_array_equal(first, b(X, training=True))
    assert not np.array_equal(first, a(X, training=True))  # next call, next mask


def test_dropout_noise_shape_broadcasts_the_mask():
    x = np.ones((4, 6, 8), "float32")
    out = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 8), seed=1)(x, training=True))
    assert np.all(out == out[:, :1, :])  # same mask along axis 1
    assert (out == 0).any() and (out == 2).any()


def test_spatial_dropout_drops_whole_channels():
    x = np.ones((8, 5, 5, 16), "float32")
    out = np.asarray(layers.SpatialDropout2D(0.5, seed=3)(x, training=True))
    per_channel = out.reshape(8, 25, 16)
    assert np.all(per_channel == per_channel[:, :1, :])
    assert (out == 0).any() and (out == 2).any()
    seq = np.asarray(layers.SpatialDropout1D(0.5, seed=4)(np.ones((8, 7, 16), "float32"), training=True))
    assert np.all(seq == seq[:, :1, :])
    cf = np.asarray(layers.SpatialDropout2D(0.5, data_format="channels_first", seed=5)(
        np.ones((8, 16, 5, 5), "float32"), training=True))
    assert np.all(cf == cf[:, :, :1, :1])


def test_gaussian_noise_and_dropout_statistics():
    noisy = np.asarray(layers.GaussianNoise(0.5, seed=0)(np.zeros((400, 100), "float32"), training=True))
    assert abs(noisy.mean()) < 0.01 and abs(noisy.std() - 0.5) < 0.01
    drop = np.asarray(layers.GaussianDropout(0.2, seed=0)(np.ones((400, 100), "float32"), training=True))
    assert abs(drop.mean() - 1.0) < 0.01 and abs(drop.std() - (0.2 / 0.8) ** 0.5) < 0.01


def test_dropout_inside_jit_via_stateless_call():
    drop = layers.Dropout(0.5, seed=9)
    step = jax.jit(lambda ntv, x: drop.stateless_call([], ntv, x, training=True))
    ntv = [v.value for v in drop.non_trainable_variables]
    out1, ntv = step(ntv, X)
    out2, ntv = step(ntv, X)
    assert (np.asarray(out1) == 0).any() and not np.array_equal(out1, out2)


@pytest.mark.parametrize("layer", [
    layers.Dropout(0.25, noise_shape=(None, 1), seed=3, name="d"),
    layers.SpatialDropout1D(0.1, seed=1, name="s1"),
    layers.SpatialDropout2D(0.1, data_format="channels_first", name="s2"),
    layers.GaussianNoise(0.2, seed=5, name="gn"),
    layers.GaussianDropout(0.3, name="gd"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config and clone.name == layer.name
