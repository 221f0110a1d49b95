"""to_categorical, normalize and pad_sequences equal Keras 3's."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("labels,num_classes", [([0, 2, 1, 3], None), ([[1], [0]], 3),
                                                (np.arange(6).reshape(2, 3), 6)])
def test_to_categorical_matches_keras(labels, num_classes):
    got = lamina.utils.to_categorical(labels, num_classes)
    want = keras.utils.to_categorical(labels, num_classes)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.float32


def test_to_categorical_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        lamina.utils.to_categorical([0, 3], num_classes=3)


def test_normalize_matches_keras():
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    for order in (1, 2):
        np.testing.assert_allclose(lamina.utils.normalize(x, -1, order),
                                   np.asarray(keras.utils.normalize(x, -1, order)), rtol=1e-6)
    # Keras 3.15 fails for axis=0 (it broadcasts the norms along the wrong axis).
    np.testing.assert_allclose(lamina.utils.normalize(x, 0, 2),
                               x / np.linalg.norm(x, axis=0, keepdims=True), rtol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, dict(maxlen=2), dict(padding="post", truncating="post", maxlen=3),
                                    dict(value=-1, dtype="float32")])
def test_pad_sequences_matches_keras(kwargs):
    seqs = [[1, 2, 3, 4], [5], [], [6, 7]]
    np.testing.assert_array_equal(lamina.utils.pad_sequences(seqs, **kwargs),
                                  keras.utils.pad_sequences(seqs, **kwargs))
