"""RandomColorDegeneration: a fixed factor is deterministic and equals Keras 3's; a random
one (lamina's own keys, which cannot match Keras's draws) is checked by its rule: each
image is its blend with its grayscale for one factor in range; seeds reproduce;
inference is the identity."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((6, 4, 5, 3)) * 255).astype("float32")


@pytest.mark.parametrize("factor,value_range", [((0.5, 0.5), (0, 255)), ((-0.8, -0.8), (0, 255)),
                                                ((1.0, 1.0), (0, 1))])
def test_fixed_factor_matches_keras(factor, value_range):
    assert_same_images(keras, "RandomColorDegeneration", (factor,),
                       {"value_range": value_range}, X, atol=1e-3)


def test_random_factor_follows_the_rule():
    layer = lamina.layers.RandomColorDegeneration(0.6, seed=5)
    out = np.asarray(layer(X))
    gray = X @ np.array([0.2989, 0.587, 0.114], "float32")
    for image, g, result in zip(X, gray, out):
        diff = g[..., None] - image
        inside = (result > 0) & (result < 255)  # unclipped pixels give the factor exactly
        f = np.sum(((result - image) * diff)[inside]) / np.sum((diff * diff)[inside])
        assert -0.6 <= f <= 0.6
        np.testing.assert_allclose(result, np.clip(image + f * diff, 0, 255), atol=1e-2)
    np.testing.assert_array_equal(
        np.asarray(lamina.layers.RandomColorDegeneration(0.6, seed=5)(X)), out)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_config_and_errors():
    mine = lamina.layers.RandomColorDegeneration(0.5, seed=1).get_config()
    ref = keras.layers.RandomColorDegeneration(0.5, seed=1).get_config()
    assert sorted(mine) == sorted(ref) and tuple(mine["factor"]) == tuple(ref["factor"])
    assert lamina.layers.RandomColorDegeneration.from_config(mine).factor == (-0.5, 0.5)
    with pytest.raises(ValueError, match="factor"):
        lamina.layers.RandomColorDegeneration(2.0)
