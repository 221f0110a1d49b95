"""Equalization against Keras 3 (per-channel histogram over the batch), bins, value
ranges, a constant channel, inference = identity, config."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs,scale", [({}, 120.0), ({"bins": 16}, 255.0),
                                          ({"value_range": (0, 1)}, 0.6)])
def test_matches_keras(kwargs, scale):
    x = (np.random.default_rng(0).random((3, 6, 5, 3)) * scale).astype("float32")
    x[..., 2] = x[0, 0, 0, 2]  # one value everywhere: left alone
    want = np.asarray(keras.layers.Equalization(**kwargs)(x))
    got = np.asarray(lamina.layers.Equalization(**kwargs)(x))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    np.testing.assert_array_equal(got[..., 2], x[..., 2])
    hi = kwargs.get("value_range", (0, 255))[1]
    assert got[..., 0].max() == pytest.approx(hi)  # the top of the range is reached
    np.testing.assert_array_equal(
        np.asarray(lamina.layers.Equalization(**kwargs)(x, training=False)), x)


def test_config_and_errors():
    mine = lamina.layers.Equalization(bins=32).get_config()
    assert sorted(mine) == sorted(keras.layers.Equalization(bins=32).get_config())
    assert lamina.layers.Equalization.from_config(mine).bins == 32
    with pytest.raises(ValueError, match=r"Equalization.*two numbers.*value_range=5"):
        lamina.layers.Equalization(value_range=5)
