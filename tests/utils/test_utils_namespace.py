"""The serialization helpers and aliases keras.utils re-exports, used the Keras way."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_register_and_round_trip_a_custom_layer_through_utils():
    @lamina.utils.register_keras_serializable(package="walk")
    class Twice(lamina.Layer):
        def call(self, x):
            return x * 2

    assert lamina.utils.get_registered_name(Twice) == "walk>Twice"
    assert lamina.utils.get_custom_objects()["walk>Twice"] is Twice
    config = lamina.utils.serialize_keras_object(Twice(name="t"))
    assert config["registered_name"] == "walk>Twice"
    restored = lamina.utils.deserialize_keras_object(config)
    assert isinstance(restored, Twice) and restored.name == "t"
    np.testing.assert_allclose(np.asarray(restored(np.ones(2))), [2, 2])


def test_custom_object_scope_and_module_objects():
    class Marker:
        pass

    assert lamina.utils.get_registered_object("Marker") is None
    with lamina.utils.custom_object_scope({"Marker": Marker}):
        assert lamina.utils.get_registered_object("Marker") is Marker
    assert lamina.utils.get_registered_object("Marker", module_objects={"Marker": Marker}) \
        is Marker
    assert lamina.utils.CustomObjectScope is lamina.utils.custom_object_scope


def test_aliases():
    assert lamina.utils.Sequence is lamina.utils.PyDataset
    for d in ("float32", "int8", np.float16, "bool"):
        assert lamina.utils.standardize_dtype(d) == keras.utils.standardize_dtype(d)
    assert lamina.utils.is_keras_tensor(lamina.Input((2,)))
