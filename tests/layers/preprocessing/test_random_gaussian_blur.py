"""RandomGaussianBlur: with probability 1 and a fixed sigma it equals Keras 3's; random
settings blur a share of the images, all with one sigma per batch."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(2).random((6, 8, 9, 3)) * 255).astype("float32")


@pytest.mark.parametrize("args", [((1.0, 1.0), 3, (0.7, 0.7)), ((1.0, 1.0), (3, 5), 0.0),
                                  (0.0, 5, 1.0), ((1.0, 1.0), (5, 3), (0.4, 0.4))])
def test_fixed_settings_match_keras(args):
    assert_same_images(keras, "RandomGaussianBlur", args, {}, X)


def test_channels_first_matches_keras():
    moved = np.moveaxis(X, -1, 1)
    kwargs = {"factor": (1.0, 1.0), "kernel_size": (3, 5), "sigma": (0.6, 0.6),
              "data_format": "channels_first"}
    want = np.asarray(keras.layers.RandomGaussianBlur(**kwargs)(moved))
    got = np.asarray(lamina.layers.RandomGaussianBlur(**kwargs)(moved))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_random_settings_blur_a_share_of_the_images():
    out = check_random_layer(keras, "RandomGaussianBlur", {"factor": 0.5, "sigma": 1.0}, X)
    changed = np.abs(out - X).max(axis=(1, 2, 3)) > 0

    def variation(z):
        return np.abs(np.diff(z, axis=1)).sum() + np.abs(np.diff(z, axis=2)).sum()

    # A blurred image varies less from pixel to pixel than its input.
    for image, result in zip(X[changed], out[changed]):
        assert variation(result) < 0.9 * variation(image)
    layer = lamina.layers.RandomGaussianBlur(factor=0.5, seed=1)
    shares = [np.mean(np.abs(np.asarray(layer(X)) - X).max(axis=(1, 2, 3)) > 0)
              for _ in range(10)]
    assert 0.05 < np.mean(shares) < 0.6  # p ~ U[0, 0.5]: a quarter on average


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"kernel_size must be an odd number.*kernel_size=4"):
        lamina.layers.RandomGaussianBlur(kernel_size=4)
    with pytest.raises(ValueError, match=r"RandomGaussianBlur.*`sigma`.*sigma=2"):
        lamina.layers.RandomGaussianBlur(sigma=2)
