"""Merging layers: values against Keras 3, output shapes, configs and shape errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(1)


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


@pytest.mark.parametrize("name", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
def test_elementwise_merges_match_keras(name):
    a, b = _rand(3, 4), _rand(3, 4)
    ours = getattr(layers, name)()([a, b])
    theirs = getattr(real_keras.layers, name)()([a, b])
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_elementwise_merges_of_three_inputs(name):
    xs = [_rand(2, 5) for _ in range(3)]
    np.testing.assert_allclose(getattr(layers, name)()(xs), getattr(real_keras.layers, name)()(xs),
                               atol=1e-6)


def test_functional_forms():
    a, b = _rand(2, 3), _rand(2, 3)
    np.testing.assert_allclose(layers.add([a, b]), a + b, atol=1e-6)
    np.testing.assert_allclose(layers.subtract([a, b]), a - b, atol=1e-6)
    np.testing.assert_allclose(layers.multiply([a, b]), a * b, atol=1e-6)
    np.testing.assert_allclose(layers.average([a, b]), (a + b) / 2, atol=1e-6)
    np.testing.assert_allclose(layers.maximum([a, b]), np.maximum(a, b))
    np.testing.assert_allclose(layers.minimum([a, b]), np.minimum(a, b))
    np.testing.assert_allclose(layers.concatenate([a, b], axis=0), np.concatenate([a, b], 0))
    np.testing.assert_allclose(layers.dot([a, b], axes=1), np.sum(a * b, 1, keepdims=True),
                               atol=1e-5)


@pytest.mark.parametrize("axis", [-1, 1, 2])
def test_concatenate_matches_keras(axis):
    a, b = _rand(2, 3, 4), _rand(2, 3, 4)
    np.testing.assert_allclose(layers.Concatenate(axis=axis)([a, b]),
                               real_keras.layers.Concatenate(axis=axis)([a, b]))


def test_concatenate_symbolic_shapes():
    title = keras.Input((10000,))
    body = keras.Input((10000,))
    tags = keras.Input((100,))
    assert layers.Concatenate()([title, body, tags]).shape == (None, 20100)
    assert layers.Concatenate(axis=1)([keras.Input((2, 3)), keras.Input((5, 3))]).shape == (None, 7, 3)
    assert layers.Concatenate()([keras.Input((None,)), keras.Input((3,))]).shape == (None, None)


def test_concatenate_errors_name_layer_and_shapes():
    with pytest.raises(ValueError) as err:
        layers.Concatenate(name="cat")([keras.Input((3,)), keras.Input((4, 5))])
    assert "'cat'" in str(err.value) and "(None, 3)" in str(err.value) and "(None, 4, 5)" in str(err.value)
    with pytest.raises(ValueError, match=r"matching shapes.*\[\(2, 3\), \(3, 3\)\]"):
        layers.Concatenate(axis=1)([np.ones((2, 3)), np.ones((3, 3))])
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Concatenate()(keras.Input((3,)))


def test_elementwise_shape_errors():
    with pytest.raises(ValueError, match=r"'add'.*incompatible shapes \[\(None, 3\), \(None, 4\)\]"):
        layers.Add()([keras.Input((3,)), keras.Input((4,))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([keras.Input((3,))] * 3)
    with pytest.raises(ValueError, match="at least 2 inputs"):
        layers.Add()([keras.Input((3,))])


def test_broadcasting_merge_shape():
    out = layers.Add()([keras.Input((4, 3)), keras.Input((1, 3))])
    assert out.shape == (None, 4, 3)


@pytest.mark.parametrize("axes,shapes", [(1, [(4, 5), (4, 5)]), (-1, [(4, 5), (4, 5)]),
                                         ((2, 2), [(4, 3, 5), (4, 2, 5)]),
                                         ((1, 1), [(4, 3, 5), (4, 3, 2)])])
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_matches_keras(axes, shapes, normalize):
    a, b = _rand(*shapes[0]), _rand(*shapes[1])
    ours = layers.Dot(axes=axes, normalize=normalize)
    theirs = real_keras.layers.Dot(axes=axes, normalize=normalize)
    np.testing.assert_allclose(ours([a, b]), theirs([a, b]), atol=1e-5)
    sym = ours([keras.Input(shapes[0][1:]), keras.Input(shapes[1][1:])])
    assert sym.shape == (None,) + tuple(np.asarray(theirs([a, b])).shape[1:])


@pytest.mark.parametrize("layer", [layers.Concatenate(axis=1, name="c"), layers.Add(name="a"),
                                   layers.Dot(axes=(1, 2), normalize=True, name="d"),
                                   layers.Average(name="avg")])
def test_merge_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config and clone.name == layer.name


def test_concatenate_in_functional_model_matches_keras():
    def build(k):
        a = k.Input((3,), name="a")
        b = k.Input((2,), name="b")
        x = k.layers.Concatenate(name="cat")([a, b])
        return k.Model([a, b], k.layers.Dense(4, activation="tanh", name="out")(x))

    ours, theirs = build(keras), build(real_keras)
    theirs.set_weights([_rand(5, 4), _rand(4)])
    ours.set_weights(theirs.get_weights())
    a, b = _rand(6, 3), _rand(6, 2)
    np.testing.assert_allclose(ours([a, b]), theirs([a, b]), atol=1e-6)
    np.testing.assert_allclose(ours({"a": a, "b": b}), theirs({"a": a, "b": b}), atol=1e-6)
