"""UpSampling1D/2D/3D: outputs, shapes and configs equal Keras 3's."""

import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("UpSampling1D", (2, 5, 3), {}),
    ("UpSampling1D", (2, 5, 3), dict(size=3)),
    ("UpSampling2D", (2, 4, 5, 3), {}),
    ("UpSampling2D", (2, 4, 5, 3), dict(size=(3, 1))),
    ("UpSampling2D", (2, 3, 4, 5), dict(size=2, data_format="channels_first")),
    ("UpSampling2D", (2, 4, 5, 3), dict(size=(2, 3), interpolation="bilinear")),
    ("UpSampling2D", (2, 3, 4, 5), dict(interpolation="bilinear", data_format="channels_first")),
    ("UpSampling2D", (1, 4, 4, 2), dict(size=3, interpolation="bicubic")),
    ("UpSampling2D", (1, 4, 4, 2), dict(interpolation="lanczos3")),
    ("UpSampling3D", (1, 2, 3, 4, 2), {}),
    ("UpSampling3D", (1, 2, 2, 3, 4), dict(size=(1, 3, 2), data_format="channels_first")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs, atol=1e-5)


def test_unknown_sizes_stay_unknown():
    assert lamina.layers.UpSampling2D((2, 3))(lamina.Input((None, 4, 3))).shape == \
        (None, None, 12, 3)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"UpSampling2D 'up_sampling2d'.*interpolation"):
        lamina.layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"UpSampling1D.*size"):
        lamina.layers.UpSampling1D(size=0)
    with pytest.raises(ValueError, match=r"UpSampling3D.*size"):
        lamina.layers.UpSampling3D(size=(2, 2))
