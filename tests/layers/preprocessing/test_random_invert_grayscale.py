"""RandomInvert and RandomGrayscale. With probability 1 (or 0) they are deterministic and
compared with Keras 3 exactly; otherwise their properties are checked (each image either
changed or untouched, seed reproducibility, inference = identity). lamina's random draws
come from its own SeedGenerator keys, so the per-image choices cannot match Keras's."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((16, 4, 5, 3)) * 255).astype("float32")


@pytest.mark.parametrize("name,kwargs", [
    ("RandomInvert", {"factor": (1.0, 1.0)}),
    ("RandomInvert", {"factor": 0.0, "value_range": (0, 1)}),
    ("RandomGrayscale", {"factor": 1.0}),
    ("RandomGrayscale", {"factor": 0.0}),
])
def test_certain_cases_match_keras(name, kwargs):
    assert_same_images(keras, name, (), kwargs, X, atol=1e-3)


def test_random_invert_properties():
    layer = lamina.layers.RandomInvert(factor=(0.5, 0.5), seed=3)
    out = np.asarray(layer(X))
    inverted = np.all(np.isclose(out, 255 - X), axis=(1, 2, 3))
    untouched = np.all(out == X, axis=(1, 2, 3))
    assert np.all(inverted | untouched) and inverted.any() and untouched.any()
    again = np.asarray(lamina.layers.RandomInvert(factor=(0.5, 0.5), seed=3)(X))
    np.testing.assert_array_equal(again, out)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_random_grayscale_properties():
    layer = lamina.layers.RandomGrayscale(factor=0.5, seed=1)
    out = np.asarray(layer(X))
    gray = np.all(np.isclose(out, out[..., :1]), axis=(1, 2, 3))  # channels equal
    untouched = np.all(out == X, axis=(1, 2, 3))
    assert np.all(gray | untouched) and gray.any() and untouched.any()
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)


def test_configs_match_keras_and_errors():
    for name, kwargs in (("RandomInvert", {"factor": 0.3, "seed": 2}),
                         ("RandomGrayscale", {"factor": 0.2, "seed": 2})):
        mine = getattr(lamina.layers, name)(**kwargs).get_config()
        ref = getattr(keras.layers, name)(**kwargs).get_config()
        assert sorted(mine) == sorted(ref)
        assert mine["factor"] == ref["factor"]
        assert getattr(lamina.layers, name).from_config(mine).get_config()["factor"] == mine["factor"]
    with pytest.raises(ValueError, match="RandomGrayscale.*between 0 and 1.*factor=2"):
        lamina.layers.RandomGrayscale(factor=2)
