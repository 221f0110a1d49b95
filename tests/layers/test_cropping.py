"""Cropping1D/2D/3D: outputs, shapes and configs equal Keras 3's."""

import numpy as np
import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("Cropping1D", (2, 6, 3), {}),
    ("Cropping1D", (2, 6, 3), dict(cropping=(0, 4))),
    ("Cropping1D", (2, 6, 3), dict(cropping=2)),
    ("Cropping2D", (2, 6, 7, 3), {}),
    ("Cropping2D", (2, 6, 7, 3), dict(cropping=(2, 1))),
    ("Cropping2D", (2, 6, 7, 3), dict(cropping=((1, 2), (3, 0)))),
    ("Cropping2D", (2, 3, 6, 7), dict(cropping=1, data_format="channels_first")),
    ("Cropping3D", (1, 4, 5, 6, 2), {}),
    ("Cropping3D", (1, 4, 5, 6, 2), dict(cropping=((0, 1), (2, 0), (1, 3)))),
    ("Cropping3D", (1, 2, 4, 5, 6), dict(cropping=(1, 0, 2), data_format="channels_first")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


def test_unet_style_skip_connection():
    inputs = lamina.Input((9, 9, 2))
    down = lamina.layers.Conv2D(4, 3)(inputs)
    up = lamina.layers.Conv2DTranspose(2, 3)(down)
    cropped = lamina.layers.Cropping2D(((1, 0), (0, 1)))(lamina.layers.ZeroPadding2D(
        ((0, 1), (1, 0)))(up))
    model = lamina.Model(inputs, lamina.layers.Concatenate()([inputs, cropped]))
    assert model.output_shape == (None, 9, 9, 4)
    assert model.predict(np.ones((2, 9, 9, 2), "float32"), verbose=0).shape == (2, 9, 9, 4)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"Cropping2D 'cropping2d'.*negative"):
        lamina.layers.Cropping2D(cropping=-1)
    with pytest.raises(ValueError, match=r"Cropping1D.*at least one entry"):
        lamina.layers.Cropping1D(cropping=(3, 3))(np.zeros((1, 5, 2), "float32"))
    with pytest.raises(ValueError, match=r"Cropping2D.*at least one entry"):
        lamina.layers.Cropping2D(cropping=((0, 0), (2, 2)))(lamina.Input((5, 4, 1)))
    with pytest.raises(ValueError, match=r"Cropping3D.*3 elements"):
        lamina.layers.Cropping3D(cropping=(1, 1))
