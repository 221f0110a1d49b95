"""Custom functions named in configs (activations, initializers, regularizers) resolve
through custom_objects, custom_object_scope and the registry, as in Keras 3."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops


def doubled_tanh(x):
    return ops.tanh(x) * 2


def _model():
    i = keras.Input((4,))
    h = layers.Dense(3, activation=doubled_tanh, name="h")(i)
    return keras.Model(i, layers.Dense(1, name="o")(h))


def _check_same(model, other, x):
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    kernel, bias = model.get_layer("h").get_weights()
    expected = np.tanh(x @ kernel + bias) * 2
    hidden = keras.Model(other.inputs, other.get_layer("h").output)
    np.testing.assert_allclose(hidden.predict(x, verbose=0), expected, atol=1e-5)


def test_custom_activation_from_custom_objects(tmp_path):
    model = _model()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(ValueError, match="doubled_tanh"):
        keras.models.load_model(path)
    custom = {"doubled_tanh": doubled_tanh}
    _check_same(model, keras.models.load_model(path, custom_objects=custom), x)
    with keras.saving.custom_object_scope(custom):
        _check_same(model, keras.models.load_model(path), x)
    clone = keras.models.model_from_json(model.to_json(), custom_objects=custom)
    clone.set_weights(model.get_weights())
    _check_same(model, clone, x)
    clone = keras.Model.from_config(model.get_config(), custom_objects=custom)
    clone.set_weights(model.get_weights())
    _check_same(model, clone, x)


def test_registered_names_for_initializers_and_regularizers():
    @keras.saving.register_keras_serializable(package="TestCO")
    def halves(shape, dtype=None):
        return np.full(shape, 0.5, "float32")

    @keras.saving.register_keras_serializable(package="TestCO")
    class Sum3(keras.regularizers.Regularizer):
        def __call__(self, w):
            return 3.0 * ops.sum(w)

    with keras.saving.custom_object_scope({"halves": halves, "sum3": Sum3}):
        dense = layers.Dense(2, kernel_initializer="halves", kernel_regularizer="sum3")
    dense(np.ones((1, 3), "float32"))
    np.testing.assert_array_equal(dense.kernel.numpy(), np.full((3, 2), 0.5))
    np.testing.assert_allclose(float(dense.losses[0]), 3.0 * 0.5 * 6)
    with pytest.raises(ValueError, match="Unknown initializer 'halvez'"):
        layers.Dense(2, kernel_initializer="halvez")


def test_clone_keeps_the_model_name():
    seq = keras.Sequential([keras.Input((2,)), layers.Dense(1)], name="s")
    i = keras.Input((2,))
    fun = keras.Model(i, layers.Dense(1)(i), name="f")
    assert keras.models.clone_model(seq).name == "s"
    assert keras.models.clone_model(fun).name == "f"


def test_registered_activation_is_written_as_keras_writes_it(tmp_path):
    real_keras = pytest.importorskip("keras")

    @keras.saving.register_keras_serializable(package="TestCO", name="soft_relu")
    def soft_relu(x):
        return ops.softplus(x) * 2

    real_keras.saving.register_keras_serializable(package="TestCO", name="soft_relu")(
        lambda x: real_keras.ops.softplus(x) * 2)
    expected = {"module": "builtins", "class_name": "function", "config": "TestCO>soft_relu",
                "registered_name": "function"}
    assert keras.saving.serialize_keras_object(soft_relu) == expected
    i = keras.Input((3,))
    model = keras.Model(i, layers.Dense(2, activation=soft_relu, name="d")(i))
    assert model.get_layer("d").get_config()["activation"] == expected
    path = str(tmp_path / "act.keras")
    model.save(path)
    x = np.linspace(-2, 2, 6, dtype="float32").reshape(2, 3)
    kernel, bias = model.get_layer("d").get_weights()
    expected_out = np.log1p(np.exp(x @ kernel + bias)) * 2
    np.testing.assert_allclose(real_keras.models.load_model(path).predict(x, verbose=0),
                               expected_out, rtol=1e-5)
    np.testing.assert_allclose(keras.models.load_model(path).predict(x, verbose=0),
                               expected_out, rtol=1e-5)


def test_layers_serialize_and_deserialize():
    config = keras.layers.serialize(layers.Dense(3, activation="relu", name="s"))
    assert config["class_name"] == "Dense" and config["config"]["units"] == 3
    clone = keras.layers.deserialize(config)
    assert isinstance(clone, layers.Dense) and clone.name == "s" and clone.units == 3
    bare = keras.layers.deserialize({"class_name": "Dense", "config": {"units": 4}})
    assert bare.units == 4
