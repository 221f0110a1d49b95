"""Variable: values, assignment, paths, and the StatelessScope that makes it pure."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina.core.stateless_scope import StatelessScope, in_stateless_scope


def test_initial_value_dtype_name_and_path():
    v = keras.Variable(np.ones((2,)), name="v")
    assert v.name == "v" and v.path == "v"
    assert v.dtype == "float32" and v.shape == (2,) and v.ndim == 1 and v.size == 2
    assert v.trainable is True
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    assert keras.Variable(3).dtype == "int32"
    assert keras.Variable(3.0).dtype == "float32"
    assert keras.Variable(np.float64(3.0)).dtype == "float32"


def test_callable_initializer_needs_shape():
    v = keras.Variable(initializer="zeros", shape=(2, 3), name="w")
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        keras.Variable(initializer="zeros", name="bad")


def test_assign_assign_add_assign_sub():
    v = keras.Variable(np.ones((2,)), name="v")
    v.assign([4.0, 5.0])
    np.testing.assert_array_equal(v.numpy(), [4.0, 5.0])
    v.assign_add([1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [5.0, 7.0])
    v.assign_sub(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(v.numpy(), [4.0, 6.0])
    assert v.dtype == "float32"
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        v.assign(np.ones(3))


def test_trainable_flag_and_layer_paths():
    v = keras.Variable(np.zeros(()), trainable=False, name="count")
    assert v.trainable is False
    v.trainable = True
    assert v.trainable is True
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    assert [w.path for w in dense.weights] == ["dense/kernel", "dense/bias"]
    model = keras.Sequential([keras.layers.Dense(2)])
    model.build((None, 3))
    assert [w.path for w in model.weights] == ["sequential/dense_1/kernel", "sequential/dense_1/bias"]


def test_array_protocol_and_operators():
    v = keras.Variable(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.asarray(v), [1.0, 2.0])
    np.testing.assert_array_equal(v + 1, [2.0, 3.0])
    np.testing.assert_array_equal(1 - v, [0.0, -1.0])
    np.testing.assert_array_equal(v * v, [1.0, 4.0])
    assert float(keras.ops.sum(v)) == 3.0
    assert "path=variable" in repr(v) and "shape=(2,)" in repr(v)


def test_stateless_scope_reads_mapping_and_records_assignments():
    v = keras.Variable(np.array([1.0, 2.0]), name="v")
    w = keras.Variable(np.array([10.0]), name="w")
    with StatelessScope([(v, jnp.zeros(2))]) as scope:
        assert in_stateless_scope()
        np.testing.assert_array_equal(v.value, [0.0, 0.0])
        np.testing.assert_array_equal(w.value, [10.0])  # unmapped: own value
        v.assign_add(jnp.array([5.0, 6.0]))
        w.assign(jnp.array([3.0]))
        np.testing.assert_array_equal(v.value, [5.0, 6.0])
        np.testing.assert_array_equal(scope.get_current_value(v), [5.0, 6.0])
        assert scope.assigned_variables() == [v, w]
    assert not in_stateless_scope()
    # The variables themselves are untouched.
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(w.numpy(), [10.0])


def test_nested_scopes_innermost_wins():
    v = keras.Variable(np.array(1.0))
    with StatelessScope([(v, jnp.array(2.0))]):
        with StatelessScope([(v, jnp.array(3.0))]):
            assert float(v.value) == 3.0
        assert float(v.value) == 2.0
    assert float(v.value) == 1.0


def test_pure_update_under_jit():
    v = keras.Variable(np.array([1.0, 2.0]), name="acc")

    @jax.jit
    def step(value, x):
        with StatelessScope([(v, value)]) as scope:
            v.assign_add(x * 2)
            out = jnp.sum(v.value)
        return out, scope.get_current_value(v)

    out, new = step(jnp.array([1.0, 1.0]), jnp.array([0.5, 1.0]))
    assert float(out) == pytest.approx(5.0)
    np.testing.assert_allclose(new, [2.0, 3.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])  # still untouched
    v.assign(new)
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])


def test_assigning_a_tracer_outside_a_scope_is_an_error():
    v = keras.Variable(np.array(1.0), name="v")

    @jax.jit
    def bad(x):
        v.assign(x)
        return x

    with pytest.raises(ValueError, match="StatelessScope"):
        bad(jnp.array(2.0))
    assert float(v.numpy()) == 1.0


def test_numpy_of_a_traced_value_is_an_error():
    v = keras.Variable(np.array(1.0), name="v")

    @jax.jit
    def f(x):
        with StatelessScope([(v, x)]):
            return v.numpy()

    with pytest.raises(ValueError, match="traced"):
        f(jnp.array(2.0))


def test_variable_positional_arguments_bind_as_in_keras_and_layout_is_refused():
    import inspect
    import os
    os.environ.setdefault("KERAS_BACKEND", "jax")
    real = pytest.importorskip("keras")
    import lamina
    args = (1.0, (), "float32", False, False, "mean", "auto", "v")
    ours = inspect.signature(lamina.Variable).bind(*args)
    theirs = inspect.signature(real.Variable).bind(*args)
    assert ours.arguments == theirs.arguments
    v = lamina.Variable(*args)
    assert (v.trainable, v.autocast, v.aggregation, v.name) == (False, False, "mean", "v")
    with pytest.raises(ValueError, match="Variable 'w': layout='x' is not supported"):
        lamina.Variable(1.0, name="w", layout="x")
