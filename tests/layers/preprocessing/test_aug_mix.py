"""AugMix: a convex blend of the image and its augmentation chains, checked by
properties (its draws cannot match Keras's): range, seeds, inference identity, config."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(11).random((3, 8, 9, 3)) * 255).astype("float32")


@pytest.mark.slow  # compiles every augmentation branch eagerly (~20 s)
def test_blend_stays_in_range_and_reproduces():
    kwargs = {"num_chains": 2, "chain_depth": 1, "all_ops": False}
    a = np.asarray(lamina.layers.AugMix(**kwargs, seed=2)(X))
    np.testing.assert_array_equal(np.asarray(lamina.layers.AugMix(**kwargs, seed=2)(X)), a)
    assert a.shape == X.shape and a.min() >= 0 and a.max() <= 255
    layer = lamina.layers.AugMix(**kwargs, seed=2)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)
    config = layer.get_config()
    want = keras.layers.AugMix(**kwargs, seed=2).get_config()
    assert sorted(config) == sorted(want)
    np.testing.assert_array_equal(np.asarray(lamina.layers.AugMix.from_config(config)(X)), a)


def test_config_keys_match_keras():
    kwargs = {"num_chains": 2, "chain_depth": 1, "factor": (0.1, 0.4), "all_ops": False}
    config = lamina.layers.AugMix(**kwargs, seed=2).get_config()
    want = keras.layers.AugMix(**kwargs, seed=2).get_config()
    assert sorted(config) == sorted(want)
    assert {k: config[k] for k in kwargs} == {k: want[k] for k in kwargs}


def test_bad_arguments():
    with pytest.raises(ValueError, match="AugMix: num_chains must be a positive int"):
        lamina.layers.AugMix(num_chains=0)
    with pytest.raises(ValueError, match="AugMix: alpha must be positive"):
        lamina.layers.AugMix(alpha=0)
    with pytest.raises(ValueError, match=r"AugMix.*\[0, 1\].*factor=2"):
        lamina.layers.AugMix(factor=2)
