"""pack_x_y_sample_weight / unpack_x_y_sample_weight against Keras's."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

X, Y, W = np.ones(2), np.zeros(2), np.full(2, 0.5)


@pytest.mark.parametrize("args", [(X,), ((X, X),), ([X, X],), (X, Y), (X, Y, W), (X, None, W)])
def test_pack_matches_keras(args):
    got, expected = lamina.utils.pack_x_y_sample_weight(*args), \
        keras.utils.pack_x_y_sample_weight(*args)
    assert type(got) is type(expected)
    assert repr(got) == repr(expected)


@pytest.mark.parametrize("data", [X, (X,), [X, Y], (X, Y), (X, Y, W)])
def test_unpack_matches_keras(data):
    assert repr(lamina.utils.unpack_x_y_sample_weight(data)) == \
        repr(keras.utils.unpack_x_y_sample_weight(data))


def test_unpack_rejects_four_parts():
    with pytest.raises(ValueError, match="4 elements"):
        lamina.utils.unpack_x_y_sample_weight((X, Y, W, W))
