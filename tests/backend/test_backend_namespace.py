"""keras.backend's helpers: uids, dtype predicates and promotion, is_keras_tensor, device."""

import os

import jax
import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_get_uid_counts_per_prefix_and_shares_the_layer_name_counter():
    assert lamina.backend.get_uid("thing") == 1
    assert lamina.backend.get_uid("thing") == 2
    assert lamina.backend.get_uid() == 1
    lamina.layers.Dense(2)  # takes "dense"
    assert lamina.backend.get_uid("dense") == 2  # as Keras: the next Dense is dense_2
    assert lamina.layers.Dense(2).name == "dense_2"
    lamina.backend.clear_session()
    assert lamina.backend.get_uid("thing") == 1


@pytest.mark.parametrize("dtypes", [
    (), ("int32",), ("int32", "float16"), ("int8", "uint8"), ("bool", "int8"),
    ("bfloat16", "float16"), ("int64", "float32"), ("uint32", "int32"), (int,), (float,),
    ("int8", float), ("float16", float), ("uint8", int), ("int16", "uint16"), ("bool",),
])
def test_result_type_matches_keras(dtypes):
    assert lamina.backend.result_type(*dtypes) == keras.backend.result_type(*dtypes)


def test_dtype_predicates_and_backend_name():
    assert lamina.backend.is_float_dtype("bfloat16") and not lamina.backend.is_float_dtype("int8")
    assert lamina.backend.is_int_dtype("uint8") and not lamina.backend.is_int_dtype("float32")
    assert lamina.backend.backend() == lamina.config.backend() == "jax"
    assert lamina.backend.is_keras_tensor(lamina.Input((3,)))
    assert not lamina.backend.is_keras_tensor(np.ones(3))


def test_device_places_arrays_and_rejects_unknown_devices():
    with lamina.device("cpu:0"):
        x = lamina.ops.ones((2,))
    assert list(x.devices())[0] == jax.devices("cpu")[0]
    with pytest.raises(ValueError, match="no 'abc' device"):
        with lamina.device("abc:0"):
            pass
    with pytest.raises(ValueError, match="'cpu:99' does not exist"):
        with lamina.device("cpu:99"):
            pass
