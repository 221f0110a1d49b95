"""serialize_keras_object on functions: built-in activations by their bare name (the names
the activations register), user functions in Keras 3's function form."""

import keras as real_keras

import lamina
from lamina.core.serialization import serialization


def test_activations_serialize_to_their_names_as_in_keras_layer_configs():
    for name in ("relu", "gelu", "softmax", "linear"):
        fn = getattr(lamina.activations, name)
        assert serialization.serialize_keras_object(fn) == name
        assert real_keras.activations.serialize(getattr(real_keras.activations, name)) == name


def test_named_functions_registry_keeps_the_first_name(monkeypatch):
    monkeypatch.setattr(serialization, "_NAMED_FUNCTIONS", {})

    def fn(x):
        return x

    serialization.register_named_functions({"first": fn, "second": fn})
    assert serialization.serialize_keras_object(fn) == "first"


def test_a_user_function_keeps_keras_function_form():
    @lamina.saving.register_keras_serializable(package="T")
    def my_fn(x):
        return x

    assert serialization.serialize_keras_object(my_fn) == {
        "module": "builtins", "class_name": "function", "config": "T>my_fn",
        "registered_name": "function"}
