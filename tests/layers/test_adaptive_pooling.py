"""Adaptive pooling layers: outputs, shapes and configs against Keras 3."""

import os

import pytest

import lamina
from tests.layers.keras_compare import check_against_keras

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

CASES = [
    ("AdaptiveAveragePooling1D", (2, 10, 3), dict(output_size=4)),
    ("AdaptiveMaxPooling1D", (2, 7, 3), dict(output_size=[3])),
    ("AdaptiveAveragePooling2D", (2, 9, 7, 3), dict(output_size=(4, 3))),
    ("AdaptiveMaxPooling2D", (2, 8, 8, 3), dict(output_size=3)),
    ("AdaptiveMaxPooling2D", (2, 3, 9, 5), dict(output_size=(2, 4), data_format="channels_first")),
    ("AdaptiveAveragePooling3D", (1, 5, 4, 6, 2), dict(output_size=(2, 3, 4))),
    ("AdaptiveMaxPooling3D", (1, 4, 5, 3, 2), dict(output_size=2)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs, atol=1e-6)


def test_bad_output_size_names_the_layer():
    with pytest.raises(ValueError, match=r"AdaptiveMaxPooling2D.*2 entries.*\(1, 2, 3\)"):
        lamina.layers.AdaptiveMaxPooling2D((1, 2, 3))
    with pytest.raises(TypeError, match=r"AdaptiveAveragePooling1D.*integer.*'a'"):
        lamina.layers.AdaptiveAveragePooling1D("a")
    with pytest.raises(ValueError, match="AdaptiveAveragePooling3D.*data_format.*'channels_first'"):
        lamina.layers.AdaptiveAveragePooling3D(2, data_format="nhwc")
