"""CategoricalGeneralizedCrossEntropy gives Keras 3's values and checks `q`."""

import os

import numpy as np
import pytest

import lamina.losses as L

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


@pytest.mark.parametrize("q", [0.5, 0.1, 0.9])
def test_gce_matches_keras(q):
    rng = np.random.default_rng(0)
    p = rng.random((6, 4)).astype("float32") + 0.05
    p /= p.sum(-1, keepdims=True)
    y = rng.integers(0, 4, 6)
    w = rng.random(6).astype("float32")
    expected = keras.losses.CategoricalGeneralizedCrossEntropy(q=q)(y, p, sample_weight=w)
    got = L.CategoricalGeneralizedCrossEntropy(q=q)(y, p, sample_weight=w)
    np.testing.assert_allclose(float(got), float(expected), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(L.categorical_generalized_cross_entropy(y, p, q)),
                               (1 - p[np.arange(6), y] ** q) / q, rtol=1e-5)


def test_gce_rejects_q_outside_unit_interval_and_round_trips():
    with pytest.raises(ValueError, match=r"CategoricalGeneralizedCrossEntropy.*q.*\(0, 1\).*q=1"):
        L.CategoricalGeneralizedCrossEntropy(q=1)
    config = L.CategoricalGeneralizedCrossEntropy(q=0.3).get_config()
    assert config == keras.losses.CategoricalGeneralizedCrossEntropy(q=0.3).get_config()
    assert L.CategoricalGeneralizedCrossEntropy.from_config(config).get_config() == config
