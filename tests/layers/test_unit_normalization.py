"""UnitNormalization: outputs, shapes and configs equal Keras 3's; errors name the layer."""

import numpy as np
import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("UnitNormalization", (2, 5), {}),
    ("UnitNormalization", (2, 3, 4), dict(axis=[1, 2])),
    ("UnitNormalization", (2, 3, 4), dict(axis=1)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"UnitNormalization.*axis"):
        lamina.layers.UnitNormalization(axis="a")
    with pytest.raises(ValueError, match=r"UnitNormalization.*out of range"):
        lamina.layers.UnitNormalization(axis=2)(np.zeros((1, 4), "float32"))
