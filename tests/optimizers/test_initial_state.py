import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import lamina as keras
from lamina.optimizers.initial_state import _on_host, initial_state


def _variables():
    return [keras.Variable(np.ones((3, 2), "float32")), keras.Variable(np.ones((2,), "float32")),
            keras.Variable(np.ones((4, 1, 2), "float32"))]


def _assert_same_state(got, expected):
    got_leaves, got_tree = jax.tree_util.tree_flatten(got)
    exp_leaves, exp_tree = jax.tree_util.tree_flatten(expected)
    assert got_tree == exp_tree
    for g, e in zip(got_leaves, exp_leaves):
        assert isinstance(g, jax.Array)
        assert (g.shape, g.dtype) == (e.shape, e.dtype)
        np.testing.assert_array_equal(np.asarray(g), np.asarray(e))


@pytest.mark.parametrize("optimizer", [
    keras.optimizers.Adam(), keras.optimizers.AdamW(weight_decay=0.1, clipnorm=1.0),
    keras.optimizers.SGD(momentum=0.9, nesterov=True), keras.optimizers.RMSprop(),
    keras.optimizers.Adafactor(), keras.optimizers.Adam(gradient_accumulation_steps=2),
    keras.optimizers.Nadam(learning_rate=keras.optimizers.schedules.ExponentialDecay(
        0.1, 10, 0.9))])
def test_the_state_equals_optax_init_and_is_made_on_the_host(optimizer):
    variables = _variables()
    tx = optimizer._make_transform(variables)
    expected = tx.init([jnp.zeros(v.shape, v.dtype) for v in variables])
    specs = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in variables]
    assert _on_host(jax.make_jaxpr(tx.init)(specs)) is not None  # no compile needed
    _assert_same_state(initial_state(tx, variables), expected)


def test_an_init_with_an_operation_without_host_rule_is_compiled():
    # exp has no NumPy rule: the state comes from one jitted call, with the same values.
    tx = optax.GradientTransformation(
        lambda params: {"scale": jax.tree_util.tree_map(lambda p: jnp.exp(p + 1.0), params)},
        lambda updates, state, params=None: (updates, state))
    variables = _variables()
    specs = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in variables]
    assert _on_host(jax.make_jaxpr(tx.init)(specs)) is None
    state = initial_state(tx, variables)
    for leaf, v in zip(state["scale"], variables):
        np.testing.assert_allclose(np.asarray(leaf), np.full(v.shape, np.e, "float32"),
                                   rtol=1e-6)


def test_broadcast_of_a_vector_into_a_matrix_keeps_its_axis():
    # broadcast_in_dim with a non-scalar operand: rows or columns as the jaxpr says.
    column = jnp.asarray(np.arange(3.0, dtype="float32"))[:, None]
    tx = optax.GradientTransformation(
        lambda params: [jnp.broadcast_to(column, (3, 2)) * 2.0,
                        jnp.broadcast_to(np.arange(2, dtype="int32"), (3, 2))],
        lambda updates, state, params=None: (updates, state))
    variables = _variables()[:1]
    specs = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in variables]
    assert _on_host(jax.make_jaxpr(tx.init)(specs)) is not None
    got = initial_state(tx, variables)
    np.testing.assert_array_equal(np.asarray(got[0]), [[0, 0], [2, 2], [4, 4]])
    np.testing.assert_array_equal(np.asarray(got[1]), [[0, 1]] * 3)
    assert got[1].dtype == jnp.int32
