"""RandomColorJitter: with fixed factors it is the chain brightness -> contrast ->
saturation -> hue and equals Keras 3's; random factors pass the common checks."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(1).random((4, 6, 7, 3)) * 255).astype("float32")


@pytest.mark.parametrize("kwargs", [
    {"brightness_factor": (0, 0), "contrast_factor": (0, 0), "saturation_factor": (0.5, 0.5),
     "hue_factor": (0, 0)},
    {"saturation_factor": (0.2, 0.2)},
    {"brightness_factor": (0.1, 0.1), "saturation_factor": (0.3, 0.3), "value_range": (0, 1)},
    {},
])
def test_fixed_factors_match_keras(kwargs):
    assert_same_images(keras, "RandomColorJitter", (), kwargs, X, atol=1e-3)


def test_random_factors():
    out = check_random_layer(keras, "RandomColorJitter",
                             {"brightness_factor": 0.2, "contrast_factor": 0.3,
                              "saturation_factor": (0.3, 0.7), "hue_factor": 0.2}, X)
    assert out.min() >= 0 and out.max() <= 255
    assert not np.allclose(out, X)


def test_bad_factor_names_the_step():
    with pytest.raises(ValueError, match=r"RandomHue.*hue|RandomHue.*factor=2"):
        lamina.layers.RandomColorJitter(hue_factor=2)
