"""Solarization: with zero factors it is deterministic (every pixel inverted) and equals
Keras 3's; with random factors its draws come from lamina's own keys (they cannot match
Keras's), so the test checks the rule per image instead: each output pixel is the clipped
shifted input or 255 minus it, seeds reproduce, inference is the identity."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((8, 4, 5, 3)) * 255).astype("float32")


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1)])
def test_zero_factors_match_keras(value_range):
    assert_same_images(keras, "Solarization", (), {"value_range": value_range}, X)


def test_random_factors_follow_the_rule():
    layer = lamina.layers.Solarization(addition_factor=0.2, threshold_factor=(0.4, 0.6), seed=4)
    out = np.asarray(layer(X))
    for image, result in zip(X, out):
        # One addition a per image: result is either clip(x + a) or 255 - clip(x + a).
        candidates = [np.clip(image + a, 0, 255) for a in np.linspace(0, 0.2 * 255, 2001)]
        best = min(candidates, key=lambda c: np.abs(np.minimum(np.abs(result - c),
                                                               np.abs(result - (255 - c)))).max())
        assert np.abs(np.minimum(np.abs(result - best), np.abs(result - (255 - best)))).max() < 0.05
    again = np.asarray(lamina.layers.Solarization(addition_factor=0.2,
                                                  threshold_factor=(0.4, 0.6), seed=4)(X))
    np.testing.assert_array_equal(again, out)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_config_and_errors():
    kwargs = {"addition_factor": 0.3, "threshold_factor": (0.1, 0.5), "seed": 1}
    mine = lamina.layers.Solarization(**kwargs).get_config()
    ref = keras.layers.Solarization(**kwargs).get_config()
    assert sorted(mine) == sorted(ref)
    assert mine["addition_factor"] == ref["addition_factor"]
    assert lamina.layers.Solarization.from_config(mine).get_config() == {**mine, "name": mine["name"]}
    with pytest.raises(ValueError, match=r"Solarization.*\[0, 1\].*threshold_factor=2"):
        lamina.layers.Solarization(threshold_factor=2)
