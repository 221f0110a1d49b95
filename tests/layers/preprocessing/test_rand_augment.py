"""RandAugment: each round applies one augmentation of Keras's list to the batch; checked
by properties (its draws cannot match Keras's): range, seeds, inference identity, config,
and that every candidate augmentation keeps shape and range."""

import os

import jax
import numpy as np
import pytest

import lamina
from lamina.layers.preprocessing.rand_augment import augmentation_steps

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(10).random((3, 8, 9, 3)) * 255).astype("float32")


@pytest.mark.slow  # compiles every augmentation branch eagerly (~20 s)
def test_one_round_is_one_of_the_augmentations():
    layer = lamina.layers.RandAugment(num_ops=1, factor=0.4, seed=5)
    out = np.asarray(layer(X))
    assert out.shape == X.shape and out.min() >= 0 and out.max() <= 255
    key = jax.random.key(0)
    steps = augmentation_steps((0.0, 0.4), [0, 255], "bilinear", layer.dtype_policy)
    assert len(steps) == 11
    # Every candidate keeps the shape and the value range.
    for step in steps:
        result = np.asarray(step(X, key))
        assert result.shape == X.shape and result.min() >= -1e-3 and result.max() <= 255 + 1e-3


@pytest.mark.slow  # compiles every augmentation branch eagerly (~20 s)
def test_seed_inference_and_config():
    kwargs = {"num_ops": 2, "factor": 0.3, "value_range": (0, 1)}
    a = np.asarray(lamina.layers.RandAugment(**kwargs, seed=1)(X / 255))
    b = np.asarray(lamina.layers.RandAugment(**kwargs, seed=1)(X / 255))
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() <= 1
    layer = lamina.layers.RandAugment(**kwargs, seed=1)
    np.testing.assert_array_equal(np.asarray(layer(X / 255, training=False)), X / 255)
    config = layer.get_config()
    want = keras.layers.RandAugment(**kwargs, seed=1).get_config()
    assert sorted(config) == sorted(want)
    assert tuple(config["factor"]) == tuple(want["factor"])
    np.testing.assert_array_equal(
        np.asarray(lamina.layers.RandAugment.from_config(config)(X / 255)), a)
    np.testing.assert_array_equal(np.asarray(lamina.layers.RandAugment(num_ops=0)(X)), X)


def test_config_keys_match_keras():
    config = lamina.layers.RandAugment(num_ops=3, factor=0.2, seed=1).get_config()
    want = keras.layers.RandAugment(num_ops=3, factor=0.2, seed=1).get_config()
    assert sorted(config) == sorted(want)
    assert tuple(config["factor"]) == tuple(want["factor"]) and config["num_ops"] == 3


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"RandAugment.*\[0, 1\].*factor=3"):
        lamina.layers.RandAugment(factor=3)
    with pytest.raises(ValueError, match="RandAugment: num_ops must be"):
        lamina.layers.RandAugment(num_ops=-1)
