"""AutoContrast against Keras 3: per-channel stretch in 0-255 and 0-1 ranges, constant
channels left alone, single images, configs, bad value ranges."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("value_range,scale", [((0, 255), 200.0), ([1, 0], 0.7)])
def test_matches_keras(value_range, scale):
    x = (np.random.default_rng(0).random((2, 5, 4, 3)) * scale + 0.1).astype("float32")
    x[1, :, :, 2] = 0.3  # a constant channel
    want = np.asarray(keras.layers.AutoContrast(value_range=value_range)(x))
    got = np.asarray(lamina.layers.AutoContrast(value_range=value_range)(x))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(got[1, :, :, 2], 0.3)
    lo, hi = sorted(value_range)
    np.testing.assert_allclose(got[0].min(axis=(0, 1)), lo, atol=1e-4)
    np.testing.assert_allclose(got[0].max(axis=(0, 1)), hi, atol=1e-3)
    single = np.asarray(lamina.layers.AutoContrast(value_range=value_range)(x[0]))
    np.testing.assert_allclose(single, got[0], rtol=1e-6)


def test_config_and_errors():
    config = lamina.layers.AutoContrast(value_range=(0, 1)).get_config()
    assert sorted(config) == sorted(keras.layers.AutoContrast(value_range=(0, 1)).get_config())
    assert lamina.layers.AutoContrast.from_config(config).value_range == [0, 1]
    with pytest.raises(ValueError, match=r"AutoContrast.*two numbers.*value_range=\(0, 1, 2\)"):
        lamina.layers.AutoContrast(value_range=(0, 1, 2))
