"""RandomErasing: fixed settings (probability 1, scale 1, a fill value) equal Keras 3's;
random settings erase one box per image, with the fill clipped to value_range."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(5).random((5, 8, 9, 3)) * 254 + 1).astype("float32")


@pytest.mark.parametrize("args, kwargs", [
    ((0.0,), {}), (((1.0, 1.0), (1.0, 1.0)), {"fill_value": 17.0}),
    (((1.0, 1.0), (1.0, 1.0)), {"fill_value": 300.0}),
    (((1.0, 1.0), (1.0, 1.0)), {"fill_value": 0.25, "value_range": (0, 1)})])
def test_fixed_settings_match_keras(args, kwargs):
    assert_same_images(keras, "RandomErasing", args, kwargs, X)


def test_each_image_loses_one_box():
    out = check_random_layer(keras, "RandomErasing",
                             {"factor": (1.0, 1.0), "scale": (0.1, 0.3), "fill_value": 0.0}, X)
    for result in out:
        ys, xs = np.nonzero((result == 0).all(-1))
        assert ys.size > 0
        box = np.zeros(result.shape[:2], bool)
        box[ys.min():ys.max() + 1, xs.min():xs.max() + 1] = True
        np.testing.assert_array_equal((result == 0).all(-1), box)  # a rectangle
        assert box.mean() <= 0.3 + 0.25  # area ~ scale (whole pixels round it up)


def test_per_channel_fill_and_noise_fill_stay_in_range():
    out = np.asarray(lamina.layers.RandomErasing((1.0, 1.0), (0.5, 0.5),
                                                 fill_value=[300, 20, -4], seed=0)(X))
    erased = (out != X).any(-1)
    np.testing.assert_array_equal(out[erased], np.broadcast_to([255, 20, 0], out[erased].shape))
    noisy = np.asarray(lamina.layers.RandomErasing((1.0, 1.0), seed=0)(X))
    assert noisy.min() >= 0 and noisy.max() <= 255


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"RandomErasing.*fill_value.*three numbers"):
        lamina.layers.RandomErasing(fill_value=[1, 2])
    with pytest.raises(ValueError, match=r"RandomErasing.*`scale`.*scale=\(0.5, 2\)"):
        lamina.layers.RandomErasing(scale=(0.5, 2))
