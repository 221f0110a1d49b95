"""RandomPosterization: a fixed bit count is deterministic and equals Keras 3's; a random
one (lamina's own keys, which cannot match Keras's draws) is checked by its rule: every
image keeps its top `b` bits for one `b` in range; seeds reproduce; inference = identity."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((8, 4, 5, 3)) * 255).astype("float32")


@pytest.mark.parametrize("factor,value_range", [((3, 3), (0, 255)), ((1, 1), (0, 1)),
                                                ((8, 8), (0, 255))])
def test_fixed_bits_match_keras(factor, value_range):
    assert_same_images(keras, "RandomPosterization", (factor,), {"value_range": value_range}, X,
                       atol=1e-5)


def test_random_bits_follow_the_rule():
    layer = lamina.layers.RandomPosterization(6, seed=2)
    out = np.asarray(layer(X))
    values = X.astype("uint8")
    used = set()
    for image, result in zip(values, out):
        matches = [b for b in range(1, 6)
                   if np.allclose(result, ((image >> (8 - b)) << (8 - b)).astype("float32"),
                               atol=1e-3)]
        assert len(matches) == 1
        used.add(matches[0])
    assert len(used) > 1  # the bit count varies between images
    np.testing.assert_array_equal(np.asarray(lamina.layers.RandomPosterization(6, seed=2)(X)), out)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_config_and_errors():
    mine = lamina.layers.RandomPosterization(4, seed=1).get_config()
    ref = keras.layers.RandomPosterization(4, seed=1).get_config()
    assert sorted(mine) == sorted(ref) and tuple(mine["factor"]) == tuple(ref["factor"])
    assert lamina.layers.RandomPosterization.from_config(mine).factor == (1, 4)
    with pytest.raises(ValueError, match=r"RandomPosterization.*\[1, 8\].*factor=9"):
        lamina.layers.RandomPosterization(9)
