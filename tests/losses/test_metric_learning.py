"""Circle loss gives Keras 3's values: per sample, its mean over positive samples only,
with reference embeddings, without diagonal removal."""

import os

import numpy as np
import pytest

import lamina.losses as L

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def _embeddings(n, seed):
    x = np.random.default_rng(seed).normal(size=(n, 5)).astype("float32")
    return x / np.linalg.norm(x, axis=1, keepdims=True)


LABELS = np.array([0, 1, 0, 2, 1, 2, 3], "int32")  # label 3 has no positive pair


@pytest.mark.parametrize("kwargs", [{}, {"gamma": 10.0, "margin": 0.25},
                                    {"remove_diagonal": False, "gamma": 2.0}])
def test_circle_matches_keras(kwargs):
    y_pred = _embeddings(7, 0)
    expected = keras.losses.Circle(**kwargs)(LABELS, y_pred)
    got = L.Circle(**kwargs)(LABELS, y_pred)
    np.testing.assert_allclose(float(got), float(expected), rtol=1e-5)
    per_sample = np.asarray(L.circle(LABELS, y_pred, **kwargs))
    np.testing.assert_allclose(per_sample, np.asarray(keras.losses.circle(LABELS, y_pred, **kwargs)),
                               rtol=1e-5, atol=1e-6)


def test_circle_with_reference_set_matches_keras():
    y_pred, ref = _embeddings(4, 1), _embeddings(6, 2)
    ref_labels = np.array([0, 1, 1, 2, 0, 2], "int32")
    args = dict(ref_labels=ref_labels, ref_embeddings=ref, remove_diagonal=False)
    np.testing.assert_allclose(np.asarray(L.circle(LABELS[:4], y_pred, **args)),
                               np.asarray(keras.losses.circle(LABELS[:4], y_pred, **args)),
                               rtol=1e-5, atol=1e-6)


def test_circle_config_matches_keras():
    config = L.Circle(gamma=3.0).get_config()
    assert config == keras.losses.Circle(gamma=3.0).get_config()
    assert L.Circle.from_config(config).get_config() == config
