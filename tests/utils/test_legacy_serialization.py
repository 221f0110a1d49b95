"""keras.utils.legacy / keras.legacy.saving: the tf.keras-era config format, against Keras."""

import os

import numpy as np
import pytest

import lamina
from lamina.utils import legacy

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_serialize_shapes_match_keras():
    assert legacy.serialize_keras_object(None) is None
    assert legacy.serialize_keras_object(lamina.activations.relu) == \
        keras.utils.legacy.serialize_keras_object(keras.activations.relu) == "relu"
    ours = legacy.serialize_keras_object(lamina.optimizers.Adam(learning_rate=0.01))
    theirs = keras.utils.legacy.serialize_keras_object(keras.optimizers.Adam(learning_rate=0.01))
    assert ours["class_name"] == theirs["class_name"] == "Adam"
    assert ours["config"]["learning_rate"] == pytest.approx(theirs["config"]["learning_rate"])
    with pytest.raises(ValueError, match="doesn't implement `get_config\\(\\)`"):
        legacy.serialize_keras_object("abc")


def test_round_trip_of_a_registered_layer_and_module_objects():
    @lamina.utils.register_keras_serializable("legacy_pk")
    class Shift(lamina.Layer):
        def __init__(self, amount=1.0, **kwargs):
            super().__init__(**kwargs)
            self.amount = amount

        def call(self, x):
            return x + self.amount

        def get_config(self):
            return {**super().get_config(), "amount": self.amount}

    config = legacy.serialize_keras_object(Shift(3.0, name="s"))
    assert config["class_name"] == "legacy_pk>Shift"
    back = legacy.deserialize_keras_object(config)
    np.testing.assert_allclose(np.asarray(back(np.zeros(2))), [3.0, 3.0])
    dense = legacy.deserialize_keras_object(
        keras.utils.legacy.serialize_keras_object(keras.layers.Dense(2, name="d")),
        module_objects={"Dense": lamina.layers.Dense})
    assert isinstance(dense, lamina.layers.Dense) and dense.units == 2
    assert legacy.deserialize_keras_object("relu", module_objects={
        "relu": lamina.activations.relu}) is lamina.activations.relu
    assert lamina.legacy.saving.deserialize_keras_object is legacy.deserialize_keras_object


def test_unknown_names_and_bad_configs():
    with pytest.raises(ValueError, match="Unknown layer: 'Nope'"):
        legacy.deserialize_keras_object({"class_name": "Nope", "config": {}},
                                        printable_module_name="layer")
    with pytest.raises(ValueError, match="Improper config format"):
        legacy.deserialize_keras_object({"config": {}})
    with pytest.raises(ValueError, match="Could not interpret"):
        legacy.deserialize_keras_object(3)
