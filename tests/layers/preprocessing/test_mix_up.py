"""MixUp: every output image is w x_i + (1 - w) x_j for a permutation j of the batch,
and labels mix with the same w; a single image is unchanged, as in Keras 3."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(7).random((6, 5, 4, 3)) * 255).astype("float32")
Y = np.eye(6, dtype="float32")


def test_single_image_matches_keras():
    want = np.asarray(keras.layers.MixUp()(X[:1]))
    np.testing.assert_allclose(np.asarray(lamina.layers.MixUp()(X[:1])), want, atol=1e-4)


def test_images_and_labels_mix_with_one_weight_and_permutation():
    out = lamina.layers.MixUp(alpha=0.5, seed=1)({"images": X, "labels": Y})
    images, labels = np.asarray(out["images"]), np.asarray(out["labels"])
    # One-hot labels: the label row holds w at i and 1 - w at j.
    for i in range(6):
        row = labels[i]
        np.testing.assert_allclose(row.sum(), 1.0, rtol=1e-6)
        others = [j for j in np.flatnonzero(row > 1e-6) if j != i]
        # The partner j holds 1 - w; an image drawn as its own partner keeps its label.
        j = others[0] if others else i
        w = row[i] if others else 1.0
        np.testing.assert_allclose(images[i], w * X[i] + (1 - w) * X[j], rtol=1e-4, atol=1e-2)
    check_random_layer(keras, "MixUp", {"alpha": 0.3}, X)


def test_dict_with_bounding_boxes_is_refused():
    boxes = {"boxes": np.zeros((6, 1, 4), "float32"), "labels": np.zeros((6, 1), "int32")}
    with pytest.raises(ValueError, match="MixUp: inputs with 'bounding_boxes' are not"):
        lamina.layers.MixUp()({"images": X, "bounding_boxes": boxes})
