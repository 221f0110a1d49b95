"""EinsumDense against Keras 3: equations, weight shapes, output shapes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(0)

CASES = [
    ("ab,bc->ac", 4, "c", (3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 6, 5)),
    ("abcd,cde->abe", (None, 7), "e", (2, 6, 2, 3)),
    ("...b,bc->...c", 4, "c", (2, 3, 5)),
    ("ab...,bc->ac...", (4,), "c", (2, 5, 3)),
    ("abc,cd->abd", (6, 4), None, (2, 6, 5)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", CASES)
def test_matches_keras(equation, output_shape, bias_axes, shape):
    x = RNG.standard_normal(shape).astype("float32")
    theirs = real_keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes,
                                           activation="relu")
    theirs.build((None,) + shape[1:])
    ours = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="relu")
    ours.build((None,) + shape[1:])
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    weights = [RNG.standard_normal(w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-5)
    symbolic = ours(keras.Input(shape[1:])).shape
    assert symbolic == tuple(np.asarray(theirs(x)).shape[:0]) + (None,) + np.asarray(theirs(x)).shape[1:]


def test_weights_config_and_errors():
    layer = layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de", name="proj")
    layer.build((None, 4, 5))
    assert [w.path for w in layer.weights] == ["proj/kernel", "proj/bias"]
    config = layer.get_config()
    theirs = real_keras.layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de",
                                           name="proj").get_config()
    assert set(theirs) - {"quantization_config"} <= set(config)
    clone = layers.EinsumDense.from_config(config)
    assert clone.get_config() == config
    with pytest.raises(ValueError, match="invalid equation"):
        layers.EinsumDense("ab->b", 3)
    with pytest.raises(ValueError, match="bias axis 'x'"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="x").build((None, 4))
    with pytest.raises(ValueError, match="disagree"):
        layers.EinsumDense("abc,cd->abd", (5, 3)).build((None, 4, 2))
    with pytest.raises(ValueError, match="rank"):
        layers.EinsumDense("abc,cd->abd", (4, 3)).build((None, 2))
