"""CutMix: each output image is its input with one box taken from another image of the
batch, and its label mixes by the box's area; a single image is unchanged (Keras 3)."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(8).random((6, 10, 12, 3)) * 255).astype("float32")
Y = np.eye(6, dtype="float32")


def test_single_image_matches_keras():
    np.testing.assert_array_equal(np.asarray(lamina.layers.CutMix()(X[0])),
                                  np.asarray(keras.layers.CutMix()(X[0])))


def test_box_from_the_partner_and_label_share():
    out = lamina.layers.CutMix(seed=2)({"images": X, "labels": Y})
    images, labels = np.asarray(out["images"]), np.asarray(out["labels"])
    for i in range(6):
        changed = (images[i] != X[i]).any(-1)
        partners = [j for j in range(6) if j != i and changed.any()
                    and np.array_equal(images[i][changed], X[j][changed])]
        if not changed.any():
            continue
        j = partners[0]
        np.testing.assert_array_equal(images[i][~changed], X[i][~changed])
        ys, xs = np.nonzero(changed)
        share = (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1) / changed.size
        # The label share is the box's real-valued area; whole pixels differ by < a border.
        assert abs(labels[i, j] - share) < 0.35
        np.testing.assert_allclose(labels[i].sum(), 1.0, rtol=1e-5)
    check_random_layer(keras, "CutMix", {"factor": 0.8}, X)


def test_bad_factor():
    with pytest.raises(ValueError, match=r"CutMix.*\[0, 1\].*factor=2"):
        lamina.layers.CutMix(factor=2)
