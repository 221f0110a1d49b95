"""CTC gives Keras 3's values (0-padded labels, logits), reductions and weights included."""

import os

import numpy as np
import pytest

import lamina.losses as L

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def _data():
    rng = np.random.default_rng(1)
    y_true = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [2, 0, 0, 0]], "int32")
    return y_true, rng.normal(size=(3, 7, 5)).astype("float32")


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", None])
def test_ctc_matches_keras(reduction):
    y_true, y_pred = _data()
    weights = np.array([1.0, 0.5, 2.0], "float32")
    expected = keras.losses.CTC(reduction=reduction)(y_true, y_pred, sample_weight=weights)
    got = L.CTC(reduction=reduction)(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np.asarray(L.ctc(y_true, y_pred)),
                               np.asarray(keras.losses.ctc(y_true, y_pred)), rtol=1e-5)


def test_ctc_rejects_bad_ranks():
    y_true, y_pred = _data()
    with pytest.raises(ValueError, match=r"`y_true`.*\(batch_size, max_length\).*\(3,\)"):
        L.ctc(y_true[:, 0], y_pred)
    with pytest.raises(ValueError, match=r"`y_pred`.*num_classes.*\(3, 7\)"):
        L.ctc(y_true, y_pred[..., 0])


def test_ctc_config_matches_keras():
    config = L.CTC(name="c").get_config()
    assert config == keras.losses.CTC(name="c").get_config()
    assert L.CTC.from_config(config).get_config() == config
    assert L.get("CTC").name == "ctc" and L.get("ctc") is L.ctc
