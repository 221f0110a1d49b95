"""RandomShear: zero factors equal Keras 3's output (the identity); random factors give,
per image, the shear [1, s_x, 0, s_y, 1, 0] or its negation with s in range."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(3).random((4, 8, 9, 3)) * 255).astype("float32")


def test_zero_factors_match_keras():
    assert_same_images(keras, "RandomShear", (), {}, X)
    assert_same_images(keras, "RandomShear", (), {"fill_mode": "constant"}, X)


def test_fixed_size_shear_is_one_of_the_two_signs():
    out = np.asarray(lamina.layers.RandomShear(x_factor=(0.3, 0.3), y_factor=(0.1, 0.1),
                                               fill_mode="constant", seed=2)(X))
    for sign_seen in (set(),):
        for image, result in zip(X, out):
            candidates = {s: np.asarray(keras.ops.image.affine_transform(
                image[None], np.array([[1, s * 0.3, 0, s * 0.1, 1, 0, 0, 0]], "float32"),
                fill_mode="constant"))[0] for s in (1, -1)}
            errors = {s: np.abs(c - result).max() for s, c in candidates.items()}
            sign = min(errors, key=errors.get)
            assert errors[sign] < 1e-3
            sign_seen.add(sign)


def test_random_factors():
    check_random_layer(keras, "RandomShear", {"x_factor": 0.4, "y_factor": (0.1, 0.3)}, X)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"RandomShear.*\[0, 1.0\].*x_factor=1.5"):
        lamina.layers.RandomShear(x_factor=1.5)
    with pytest.raises(ValueError, match="RandomShear: fill_mode must be one of"):
        lamina.layers.RandomShear(fill_mode="edge")
