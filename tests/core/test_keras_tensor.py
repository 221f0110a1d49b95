"""KerasTensor: the symbolic tensor of the functional API."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


def test_input_repr_names_the_creating_layer():
    x = keras.Input(shape=(10000,), name="title")
    assert repr(x) == "<KerasTensor: shape=(None, 10000) dtype=float32 (created by layer 'title')>"
    assert x.shape == (None, 10000) and x.ndim == 2 and x.dtype == "float32"


def test_layer_output_repr_and_history():
    x = keras.Input(shape=(3,))
    dense = layers.Dense(5, name="hidden")
    y = dense(x)
    assert repr(y) == "<KerasTensor: shape=(None, 5) dtype=float32 (created by layer 'hidden')>"
    layer, node_index, tensor_index = y._keras_history
    assert layer is dense and node_index == 0 and tensor_index == 0
    assert y.node.layer is dense and y.node.input_tensors == [x]


def test_input_shapes_and_dtypes():
    assert keras.Input(shape=5).shape == (None, 5)
    assert keras.Input(shape=(2, 3), batch_size=4).shape == (4, 2, 3)
    assert keras.Input(batch_shape=(8, 3)).shape == (8, 3)
    assert keras.Input(shape=(None, 3)).shape == (None, None, 3)
    t = keras.Input(shape=(3,), dtype="int32")
    assert t.dtype == "int32"
    assert "dtype=int32" in repr(t)


def test_automatic_input_names():
    assert keras.Input((1,)).node.layer.name == "input_layer"
    assert keras.Input((1,)).node.layer.name == "input_layer_1"


def test_operators_record_graph_nodes():
    x = keras.Input(shape=(3,), name="x")
    y = x * 2 + 1
    assert isinstance(y, keras.KerasTensor) and y.shape == (None, 3)
    assert "created by layer 'add'" in repr(y)
    z = keras.ops.sum(y, axis=1)
    assert z.shape == (None,)
    w = y[:, :2]
    assert w.shape == (None, 2)
    model = keras.Model(x, [z, w])
    out_z, out_w = model(np.ones((2, 3), "float32"))
    np.testing.assert_array_equal(out_z, [9.0, 9.0])
    np.testing.assert_array_equal(out_w, [[3.0, 3.0], [3.0, 3.0]])


def test_unknown_dims_stay_unknown_through_layers():
    x = keras.Input(shape=(None, 4))
    y = layers.Dense(2)(x)
    assert y.shape == (None, None, 2)
    assert layers.Flatten()(keras.Input((2, 3))).shape == (None, 6)


def test_no_value_no_bool_no_iteration():
    x = keras.Input(shape=(3,))
    with pytest.raises(TypeError, match="bool"):
        bool(x)
    with pytest.raises(TypeError, match="NumPy"):
        np.asarray(x)
    with pytest.raises(TypeError, match="iterated"):
        iter(x)
    with pytest.raises(TypeError, match="unknown first dimension"):
        len(x)
    assert len(keras.Input(batch_shape=(4, 3))) == 4


def test_input_without_shape_is_a_clear_error():
    with pytest.raises(ValueError) as err:
        keras.Input()
    assert "needs a `shape`" in str(err.value) and "keras.Input(shape=(784,))" in str(err.value)
    with pytest.raises(ValueError, match="Input 'q' needs a `shape`"):
        keras.Input(name="q")
    with pytest.raises(ValueError, match="invalid dimension"):
        keras.Input(shape=(3, -2))
    with pytest.raises(ValueError, match="not both"):
        keras.Input(shape=(3,), batch_shape=(None, 3))


def test_input_layer_config_round_trip():
    layer = layers.InputLayer(shape=(4, 2), batch_size=8, dtype="int32", name="ids")
    config = layer.get_config()
    assert config == {"batch_shape": (8, 4, 2), "dtype": "int32", "sparse": False, "name": "ids",
                      "ragged": False, "optional": False}  # Keras 3.15's keys
    clone = layers.InputLayer.from_config(config)
    assert clone.output.shape == (8, 4, 2) and clone.output.dtype == "int32" and clone.name == "ids"
    assert "created by layer 'ids'" in repr(clone.output)


def test_keras_tensor_positional_arguments_bind_as_in_keras():
    import inspect
    import os
    os.environ.setdefault("KERAS_BACKEND", "jax")
    real = pytest.importorskip("keras")
    import lamina
    args = ((2, 3), "float16", False, False, True, "t")
    assert inspect.signature(lamina.KerasTensor).bind(*args).arguments == \
        inspect.signature(real.KerasTensor).bind(*args).arguments
    t = lamina.KerasTensor(*args)
    assert (t.shape, t.dtype, t.name) == ((2, 3), "float16", "t")
    with pytest.raises(ValueError, match="KerasTensor: ragged=True is not supported"):
        lamina.KerasTensor((2,), ragged=True)
    with pytest.raises(ValueError, match="KerasTensor: record_history=False is not supported"):
        lamina.KerasTensor((2,), record_history=False)
