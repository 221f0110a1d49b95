"""ZeroPadding1D/2D/3D: outputs, shapes and configs equal Keras 3's."""

import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("ZeroPadding1D", (2, 5, 3), {}),
    ("ZeroPadding1D", (2, 5, 3), dict(padding=(0, 3))),
    ("ZeroPadding2D", (2, 4, 5, 3), {}),
    ("ZeroPadding2D", (2, 4, 5, 3), dict(padding=(2, 0))),
    ("ZeroPadding2D", (2, 4, 5, 3), dict(padding=((1, 2), (3, 0)))),
    ("ZeroPadding2D", (2, 3, 4, 5), dict(padding=1, data_format="channels_first")),
    ("ZeroPadding3D", (1, 2, 3, 4, 2), {}),
    ("ZeroPadding3D", (1, 2, 3, 4, 2), dict(padding=((0, 1), (2, 0), (1, 1)))),
    ("ZeroPadding3D", (1, 2, 3, 4, 2), dict(padding=(1, 0, 2), data_format="channels_first")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


def test_unknown_sizes_stay_unknown():
    out = lamina.layers.ZeroPadding2D(((1, 2), (0, 1)))(lamina.Input((None, 4, 3)))
    assert out.shape == (None, None, 5, 3)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"ZeroPadding2D 'zero_padding2d'.*2 elements"):
        lamina.layers.ZeroPadding2D(padding=(1, 2, 3))
    with pytest.raises(ValueError, match=r"ZeroPadding1D.*negative"):
        lamina.layers.ZeroPadding1D(padding=-1)
    with pytest.raises(ValueError, match=r"ZeroPadding3D.*\(before, after\)"):
        lamina.layers.ZeroPadding3D(padding=((1, 1), (1, 2, 3), 1))
    with pytest.raises(ValueError, match=r"ZeroPadding2D.*data_format"):
        lamina.layers.ZeroPadding2D(data_format="nhwc")
    with pytest.raises(ValueError, match=r"zero_padding2d.*expected ndim=4"):
        lamina.layers.ZeroPadding2D()(lamina.Input((4, 3)))
