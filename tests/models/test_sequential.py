"""Sequential: construction (list, add, pop, Input, input_shape=), building, calling,
values against Keras 3, errors and config."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(3)


def test_from_list_unbuilt_until_shape_known():
    model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])
    assert not model.built
    assert [l.name for l in model.layers] == ["dense", "dense_1"]
    with pytest.raises(ValueError, match="Weights for model 'sequential' have not yet been created"):
        model.weights
    with pytest.raises(AttributeError, match="not built"):
        model.input
    model.build(input_shape=(None, 3))
    assert model.built
    assert [w.shape for w in model.weights] == [(3, 64), (64,), (64, 10), (10,)]
    assert model.count_params() == 906
    assert model.input_shape == (None, 3) and model.output_shape == (None, 10)


def test_add_and_input_build_incrementally():
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    assert model.built and model.layers == []
    model.add(layers.Dense(64, activation="relu"))
    assert model.output.shape == (None, 64) and model.count_params() == 256
    model.add(layers.Dense(10, activation="softmax"))
    assert model.output.shape == (None, 10) and model.count_params() == 906
    assert len(model.weights) == 4


def test_input_shape_argument_on_first_layer():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    assert model.built and model.input_shape == (None, 3)
    assert [w.shape for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]
    assert keras.Sequential([layers.Dense(2, input_dim=5)]).input_shape == (None, 5)
    fixed = keras.Sequential([layers.Dense(2, input_shape=(4,), batch_size=8)])
    assert fixed.input_shape == (8, 4)


def test_call_before_build_builds_from_the_data():
    model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    out = model(np.ones((5, 3), "float32"))
    assert out.shape == (5, 2) and model.built
    assert model.input_shape == (None, 3)
    assert [w.path for w in model.weights] == [
        "sequential/dense/kernel", "sequential/dense/bias",
        "sequential/dense_1/kernel", "sequential/dense_1/bias"]


def test_pop_and_add_again():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(2)])
    popped = model.pop()
    assert popped.name == "dense_1" and [l.name for l in model.layers] == ["dense"]
    assert model.output_shape == (None, 4)
    assert model(np.ones((2, 3))).shape == (2, 4)
    model.add(layers.Dense(6))
    assert model(np.ones((2, 3))).shape == (2, 6) and len(model.weights) == 4
    model.pop()
    model.pop()
    with pytest.raises(TypeError, match="no layers to pop"):
        model.pop()


def test_matches_keras_with_same_weights():
    def build(k):
        return k.Sequential([k.Input((5,)), k.layers.Dense(8, activation="relu"),
                             k.layers.Dropout(0.5), k.layers.Dense(3, activation="softmax")])

    ours, theirs = build(keras), build(real_keras)
    theirs.set_weights([RNG.standard_normal(w.shape).astype("float32") for w in theirs.weights])
    ours.set_weights(theirs.get_weights())
    x = RNG.standard_normal((7, 5)).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-6)
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), atol=1e-6)


def test_symbolic_call_and_nesting():
    inner = keras.Sequential([layers.Dense(5), layers.Dense(3)])
    outer = keras.Sequential([keras.Input((2,)), inner, layers.Dense(1)])
    assert outer(np.ones((4, 2))).shape == (4, 1)
    assert [w.path for w in outer.weights] == [
        "sequential_1/sequential/dense/kernel", "sequential_1/sequential/dense/bias",
        "sequential_1/sequential/dense_1/kernel", "sequential_1/sequential/dense_1/bias",
        "sequential_1/dense_2/kernel", "sequential_1/dense_2/bias"]
    seq = keras.Sequential([layers.Dense(4)])
    x = keras.Input((3,))
    y = seq(x)
    assert y.shape == (None, 4) and "created by layer 'sequential_2'" in repr(y)
    model = keras.Model(x, layers.Dense(1)(y))
    assert model(np.ones((2, 3))).shape == (2, 1)


def test_wrong_input_shape_is_a_clear_error():
    model = keras.Sequential([keras.Input((3,), name="features"), layers.Dense(2)])
    with pytest.raises(ValueError) as err:
        model(np.ones((2, 5)))
    msg = str(err.value)
    assert "'sequential'" in msg and "(None, 3)" in msg and "(2, 5)" in msg and "features" in msg


def test_construction_errors():
    with pytest.raises(ValueError, match="unique names; 'z'"):
        keras.Sequential([layers.Dense(2, name="z"), layers.Dense(2, name="z")])
    with pytest.raises(ValueError, match="Input can only be the first"):
        keras.Sequential([layers.Dense(2), keras.Input((3,))])
    with pytest.raises(TypeError, match="expects a Layer instance, got int"):
        keras.Sequential().add(3)
    with pytest.raises(ValueError, match="no layers to build"):
        keras.Sequential().build((None, 3))
    with pytest.raises(ValueError, match="needs an `input_shape`"):
        keras.Sequential([layers.Dense(1)]).build()


def test_name_and_get_layer():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="a"), layers.Dense(1)],
                             name="stack")
    assert model.name == "stack"
    assert model.get_layer("a") is model.layers[0]
    assert model.get_layer(index=1).name == "dense"
    assert keras.Sequential().name == "sequential"


def test_config_round_trip():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(1)], name="s")
    config = model.get_config()
    assert [entry["class_name"] for entry in config["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    clone = keras.Sequential.from_config(config)
    assert clone.name == "s" and clone.built
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    clone.set_weights(model.get_weights())
    x = RNG.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(clone(x), model(x), atol=1e-6)


def test_a_model_as_first_layer_gives_its_input():
    """Keras builds Sequential([base_model, ...]) at once from the base model's input."""
    def make(k):
        tokens = k.Input((5,), dtype="int32")
        pooled = k.layers.GlobalAveragePooling1D()(k.layers.Embedding(20, 3)(tokens))
        base = k.Model(tokens, pooled, name="base")
        return base, k.Sequential([base, k.layers.Dense(1, name="top")])

    base, model = make(keras)
    ref_base, ref = make(real_keras)
    assert model.built == ref.built is True
    assert model.inputs[0].shape == ref.inputs[0].shape == (None, 5)
    assert model.inputs[0].dtype == "int32"
    assert [l.name for l in model.layers] == [l.name for l in ref.layers] == ["base", "top"]
    assert model.output.shape == (None, 1)
    model.set_weights(ref.get_weights())
    tokens = np.array([[1, 2, 3, 4, 5], [0, 0, 7, 7, 9]], "int32")
    np.testing.assert_allclose(model.predict(tokens, verbose=0), ref.predict(tokens, verbose=0),
                               atol=1e-6)
    unbuilt = keras.Sequential([layers.Dense(2)])
    with pytest.raises(AttributeError, match="has no inputs yet"):
        unbuilt.inputs
