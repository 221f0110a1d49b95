"""RandomElasticTransform: probability 0 or scale 0 equal Keras 3's output (the
identity); a random warp moves pixels smoothly and stays in value_range."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(6).random((3, 16, 18, 3)) * 255).astype("float32")


@pytest.mark.parametrize("kwargs", [{"factor": 0.0}, {"scale": 0.0}])
def test_identity_settings_match_keras(kwargs):
    assert_same_images(keras, "RandomElasticTransform", (), kwargs, X)


def test_fixed_scale_warp_is_the_op_with_the_layer_parameters():
    out = check_random_layer(keras, "RandomElasticTransform",
                             {"factor": (1.0, 1.0), "scale": (1.0, 1.0)}, X)
    assert not np.allclose(out, X) and out.min() >= 0 and out.max() <= 255
    # A horizontal ramp keeps its monotone rows only if the field is smooth; a constant
    # image stays constant under "reflect".
    flat = np.full((2, 16, 18, 1), 9.0, "float32")
    np.testing.assert_allclose(
        np.asarray(lamina.layers.RandomElasticTransform(seed=0)(flat)), flat, atol=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match="RandomElasticTransform: fill_mode"):
        lamina.layers.RandomElasticTransform(fill_mode="mirror-ish")
    with pytest.raises(ValueError, match=r"RandomElasticTransform.*`scale`.*scale=3"):
        lamina.layers.RandomElasticTransform(scale=3)
