"""RandomSharpness: fixed factors are deterministic and equal Keras 3's (blur, identity,
sharpen); random factors (lamina's own keys, which cannot match Keras's draws) are
checked by the rule: each image is a blend with its smoothed copy for one factor in range;
seeds reproduce; inference is the identity."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((6, 5, 6, 3)) * 255).astype("float32")


@pytest.mark.parametrize("factor,value_range", [((0.0, 0.0), (0, 255)), ((0.5, 0.5), (0, 255)),
                                                ((0.9, 0.9), (0, 1))])
def test_fixed_factor_matches_keras(factor, value_range):
    got = assert_same_images(keras, "RandomSharpness", (factor,), {"value_range": value_range},
                             X, atol=1e-3)
    if factor == (0.5, 0.5):
        np.testing.assert_allclose(got, X, atol=1e-3)


def test_random_factor_follows_the_rule():
    layer = lamina.layers.RandomSharpness(0.8, seed=2)
    out = np.asarray(layer(X))
    blurred = np.asarray(lamina.layers.RandomSharpness((0.0, 0.0))(X))  # the smoothed copy
    for image, smooth, result in zip(X, blurred, out):
        diff = smooth - image
        inside = (result > 0) & (result < 255)
        weight = np.sum(((result - image) * diff)[inside]) / np.sum((diff * diff)[inside])
        f = (1 - weight) / 2
        assert -1e-4 <= f <= 0.8 + 1e-4
        np.testing.assert_allclose(result, np.clip(image + weight * diff, 0, 255), atol=1e-2)
    np.testing.assert_array_equal(np.asarray(lamina.layers.RandomSharpness(0.8, seed=2)(X)), out)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_config_and_errors():
    mine = lamina.layers.RandomSharpness(0.5, seed=1).get_config()
    ref = keras.layers.RandomSharpness(0.5, seed=1).get_config()
    assert sorted(mine) == sorted(ref) and tuple(mine["factor"]) == tuple(ref["factor"])
    assert lamina.layers.RandomSharpness.from_config(mine).factor == (0, 0.5)
    with pytest.raises(ValueError, match="factor"):
        lamina.layers.RandomSharpness((-0.5, 0.2))
