"""DTypePolicy, the global policy and layers' policies, against Keras 3."""

import keras
import numpy as np
import pytest

import lamina
from lamina import dtype_policies


@pytest.mark.parametrize("name,compute,variable", [
    ("float32", "float32", "float32"), ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32"), ("bfloat16", "bfloat16", "bfloat16"),
    ("int32", "int32", "int32")])
def test_policy_dtypes_as_keras(name, compute, variable):
    ours, theirs = lamina.DTypePolicy(name), keras.DTypePolicy(name)
    assert (ours.name, ours.compute_dtype, ours.variable_dtype) == (name, compute, variable)
    assert (theirs.compute_dtype, theirs.variable_dtype) == (compute, variable)
    assert repr(ours) == repr(theirs)
    assert dtype_policies.serialize(ours) == keras.dtype_policies.serialize(theirs)


def test_get_and_errors_as_keras():
    assert dtype_policies.get(None).name == "float32"
    assert dtype_policies.get(np.float64).name == "float64"
    saved = keras.dtype_policies.serialize(keras.DTypePolicy("mixed_float16"))
    assert dtype_policies.get(saved) == lamina.DTypePolicy("mixed_float16")
    with pytest.raises(ValueError, match="Cannot interpret `dtype` argument.*dtype=3"):
        dtype_policies.get(3)
    with pytest.raises(ValueError, match="Cannot convert 'foo' to a mixed precision"):
        lamina.DTypePolicy("foo")
    with pytest.raises(TypeError, match="'name' must be a string"):
        lamina.DTypePolicy(3)
    with pytest.raises(ValueError, match=r"Invalid `policy` argument.*policy=3"):
        lamina.mixed_precision.set_global_policy(3)


def test_global_policy_is_the_default_of_new_layers():
    lamina.mixed_precision.set_global_policy("mixed_bfloat16")
    assert lamina.config.dtype_policy() is lamina.mixed_precision.global_policy()
    assert lamina.DTypePolicy().name == "mixed_bfloat16"
    layer = lamina.layers.Dense(2)
    assert (layer.dtype, layer.compute_dtype, layer.variable_dtype) == ("float32", "bfloat16",
                                                                        "float32")
    assert lamina.layers.Dense(2, dtype="float32").compute_dtype == "float32"
    lamina.config.set_dtype_policy("float32")
    assert lamina.layers.Dense(2).dtype_policy.name == "float32"


def test_dtype_policy_is_settable():
    layer = lamina.layers.Dense(3, dtype="mixed_float16")
    layer.dtype_policy = "mixed_bfloat16"
    out = layer(np.ones((2, 4), "float32"))
    assert out.dtype == "bfloat16" and layer.kernel.dtype == "float32"
    layer.dtype_policy = lamina.DTypePolicy("float32")
    assert layer(np.ones((2, 4), "float32")).dtype == "float32"


def test_mixed_bfloat16_outputs_and_variables_as_keras():
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    models = []
    for lib in (keras, lamina):
        lib.mixed_precision.set_global_policy("mixed_bfloat16")
        inputs = lib.Input((6,))
        h = lib.layers.Dense(8, activation="relu")(inputs)
        h = lib.layers.LayerNormalization()(h)
        out = lib.layers.Dense(3, activation="softmax")(h)
        models.append(lib.Model(inputs, out))
        lib.mixed_precision.set_global_policy("float32")
    theirs, ours = models
    ours.set_weights(theirs.get_weights())
    assert [v.dtype for v in ours.weights] == ["float32"] * len(ours.weights)
    for t_layer, o_layer in zip(theirs.layers, ours.layers):
        assert o_layer.dtype_policy.name == t_layer.dtype_policy.name
    assert str(ours.output.dtype) == str(theirs.output.dtype) == "bfloat16"
    got, want = ours(x), theirs(x)
    assert str(got.dtype) == str(want.dtype) == "bfloat16"
    np.testing.assert_allclose(np.asarray(got, "float32"), np.asarray(want, "float32"),
                               atol=1e-2)
    # Variables are read in float32 outside a layer's call.
    assert ours.layers[1].kernel.value.dtype == np.float32


def test_policy_in_config_round_trips_through_keras(tmp_path):
    inputs = lamina.Input((4,))
    out = lamina.layers.Dense(2, dtype="mixed_bfloat16")(inputs)
    model = lamina.Model(inputs, lamina.layers.Dense(1, dtype="mixed_float16")(out))
    assert model.layers[1].get_config()["dtype"] == keras.dtype_policies.serialize(
        keras.DTypePolicy("mixed_bfloat16"))
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [layer.dtype_policy.name for layer in loaded.layers[1:]] == ["mixed_bfloat16",
                                                                        "mixed_float16"]
    x = np.ones((3, 4), "float32")
    np.testing.assert_allclose(np.asarray(loaded(x), "float32"), np.asarray(model(x), "float32"),
                               atol=1e-2)
    path2 = str(tmp_path / "k.keras")
    loaded.save(path2)
    back = lamina.saving.load_model(path2)
    assert [layer.dtype_policy.name for layer in back.layers[1:]] == ["mixed_bfloat16",
                                                                      "mixed_float16"]
    assert back(x).dtype == "float16"


_X4 = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
_X3 = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")


@pytest.mark.parametrize("name,args,x,atol", [
    ("Conv2D", (4, 3), _X4, 1e-2), ("BatchNormalization", (), _X4, 1e-2),
    ("GRU", (3,), _X3, 1e-2), ("Embedding", (10, 4), np.array([[1, 2, 0], [3, 4, 5]]), 0),
    ("MultiHeadAttention", (2, 4), _X3, 2e-2)])
def test_layers_under_mixed_bfloat16_as_keras(name, args, x, atol):
    layers = []
    for lib in (keras, lamina):
        layer = getattr(lib.layers, name)(*args, dtype="mixed_bfloat16")
        call = (lambda l: l(x, x)) if name == "MultiHeadAttention" else (lambda l: l(x))
        layers.append((layer, call(layer)))
    (k_layer, want), (l_layer, _) = layers
    l_layer.set_weights(k_layer.get_weights())
    got = call(l_layer)
    assert str(got.dtype) == str(want.dtype) == "bfloat16"
    assert all(str(w.dtype) == "float32" for w in l_layer.weights)
    np.testing.assert_allclose(np.asarray(got, "float32"), np.asarray(want, "float32"), atol=atol)
