"""RandomPerspective: probability 0 or scale 0 equal Keras 3's output (the identity);
random settings move the corners within scale / 2 of the image size."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(4).random((4, 8, 9, 3)) * 255).astype("float32")


@pytest.mark.parametrize("kwargs", [{"factor": 0.0}, {"scale": 0.0},
                                    {"scale": 0.0, "interpolation": "nearest"}])
def test_identity_settings_match_keras(kwargs):
    assert_same_images(keras, "RandomPerspective", (), kwargs, X)


def test_random_warp_is_a_perspective_of_the_input():
    out = check_random_layer(keras, "RandomPerspective", {"factor": (1.0, 1.0), "scale": 0.4},
                             X)
    assert not np.allclose(out, X)
    # A constant image stays constant where the warp samples inside it; near the edges
    # bilinear sampling blends it with the fill.
    flat = np.full((2, 8, 9, 1), 7.0, "float32")
    warped = np.asarray(lamina.layers.RandomPerspective(scale=0.4, fill_value=0.0,
                                                        seed=1)(flat))
    assert warped.min() >= 0.0 and warped.max() <= 7.0 + 1e-4
    assert np.isclose(warped, 7.0, atol=1e-4).mean() > 0.5  # most of it still inside


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"RandomPerspective.*scale.*\[0, 1\].*scale=2"):
        lamina.layers.RandomPerspective(scale=2)
    with pytest.raises(ValueError, match="RandomPerspective: interpolation"):
        lamina.layers.RandomPerspective(interpolation="bicubic")
