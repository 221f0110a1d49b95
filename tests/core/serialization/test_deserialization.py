"""deserialize_keras_object's parameters as in Keras 3.15: safe_mode=True, a scope wins."""

import inspect
import os

import pytest

import lamina
from lamina.core.serialization.safe_mode import SafeModeScope

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_positional_arguments_bind_as_in_keras():
    for module in ("saving", "utils"):
        ours = inspect.signature(getattr(lamina, module).deserialize_keras_object).bind("c", {})
        theirs = inspect.signature(getattr(keras, module).deserialize_keras_object).bind("c", {})
        ours.apply_defaults()
        theirs.apply_defaults()
        assert ours.arguments == theirs.arguments
    config = keras.saving.serialize_keras_object(keras.layers.Dense(3, name="d"))
    layer = lamina.saving.deserialize_keras_object(config, None, True)
    assert (type(layer).__name__, layer.units, layer.name) == ("Dense", 3, "d")


def test_lambda_bytecode_refused_by_default_and_scope_wins():
    config = lamina.saving.serialize_keras_object(lamina.layers.Lambda(lambda x: x + 1))
    with pytest.raises(Exception, match="safe_mode"):
        lamina.saving.deserialize_keras_object(config)
    with SafeModeScope(False):
        layer = lamina.saving.deserialize_keras_object(config, safe_mode=True)
    assert float(layer(lamina.ops.ones(()))) == 2.0
    with pytest.raises(TypeError, match=r"unsupported keyword argument\(s\) \['module_objects'\]"):
        lamina.saving.deserialize_keras_object(config, module_objects={})
