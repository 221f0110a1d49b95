"""float8 Dense and EinsumDense: Keras's variables, training with delayed scaling equal to
Keras 3's on the same weights and data, .keras files both ways."""

import warnings

import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina.layers.float8_product import qdq_forward, qdq_gradient

keras = pytest.importorskip("keras")

FLOAT8_NAMES = ["inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
                "outputs_grad_scale", "outputs_grad_amax_history"]


def _model(k):
    return k.Sequential([k.Input((6,)), k.layers.Dense(5, activation="relu", name="d"),
                         k.layers.EinsumDense("ab,bc->ac", 3, bias_axes="c", name="e")])


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(24, 6)).astype("float32"), rng.normal(size=(24, 3)).astype("float32")


def _twins():
    keras.utils.set_random_seed(0)
    theirs, mine = _model(keras), _model(lamina)
    mine.set_weights(theirs.get_weights())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.quantize("float8")
        mine.quantize("float8")
    return mine, theirs


def test_variables_policy_and_config_are_keras_s():
    mine, theirs = _twins()
    assert [v.path for v in mine.weights] == [v.path for v in theirs.weights]
    assert [v.path for v in mine.weights][:8] == \
        ["sequential/d/kernel", "sequential/d/bias"] + [f"sequential/d/{n}" for n in FLOAT8_NAMES]
    dense = mine.get_layer("d")
    assert dense.inputs_amax_history.shape == (1024,) and dense.kernel.dtype == "float32"
    assert isinstance(dense.dtype_policy, lamina.dtype_policies.QuantizedFloat8DTypePolicy)
    assert dense.dtype_policy.name == "float8_from_float32"
    assert dense.get_config()["dtype"] == theirs.get_layer("d").get_config()["dtype"]


def test_fit_matches_keras():
    mine, theirs = _twins()
    x, y = _data()
    for model, k in ((mine, lamina), (theirs, keras)):
        model.compile(k.optimizers.Adam(1e-2), "mse")
    np.testing.assert_allclose(np.asarray(mine.predict(x, verbose=0)),
                               theirs.predict(x, verbose=0), rtol=1e-6, atol=1e-6)
    lm = mine.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
    kl = theirs.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(lm, kl, rtol=1e-5)
    for a, b in zip(mine.weights, theirs.weights):
        # the scales and histories are assigned (not stepped): equal up to float32 rounding
        np.testing.assert_allclose(np.asarray(a.numpy()), b.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=a.path)
    dense = mine.get_layer("d")
    # six steps recorded: the newest amax in front, the first five rolled to the back
    history = np.asarray(dense.inputs_amax_history.numpy())
    assert np.count_nonzero(history) == 6 and history[0] > 0 and history[-5:].all()
    assert float(dense.inputs_scale.numpy()) != 1.0
    # Keras makes no optimizer slots for the float8 variables
    keras_paths = [v.path for v in theirs.optimizer.variables]
    assert [v.path for v in mine.optimizer.variables][:len(keras_paths)] == keras_paths


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_keras_files_both_ways(tmp_path, direction):
    mine, theirs = _twins()
    src, dst = (theirs, lamina) if direction == "keras_to_lamina" else (mine, keras)
    x, y = _data()
    src.compile("sgd", "mse")
    src.fit(x, y, epochs=1, batch_size=8, verbose=0)
    path = str(tmp_path / "f8.keras")
    src.save(path)
    back = dst.saving.load_model(path)
    assert back.get_layer("d").dtype_policy.name == "float8_from_float32"
    saved = {v.path: np.asarray(v.numpy()) for v in src.weights}
    for v in back.weights:
        np.testing.assert_array_equal(np.asarray(v.numpy()), saved[v.path], err_msg=v.path)
    np.testing.assert_allclose(np.asarray(back.predict(x, verbose=0)),
                               np.asarray(src.predict(x, verbose=0)), rtol=1e-6, atol=1e-6)


def test_amax_history_length_from_the_policy():
    policy = lamina.dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", 16)
    layer = lamina.layers.Dense(2, dtype=policy)
    layer.build((None, 3))
    assert layer.inputs_amax_history.shape == (16,)
    assert layer.get_config()["dtype"]["config"] == \
        {"mode": "float8", "source_name": "float32", "amax_history_length": 16}
    again = lamina.layers.Dense.from_config(layer.get_config())
    again.build((None, 3))
    assert again.dtype_policy == policy
    with pytest.raises(TypeError, match="amax_history_length` must be an integer"):
        lamina.dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32", 16.0)


def test_qdq_rounds_through_float8_and_returns_next_state_as_gradient():
    import jax

    x = jnp.array([0.3, -1.7, 2.9], jnp.float32)
    scale, history = jnp.float32(0.01), jnp.array([0.0, 5.0, 2.0], jnp.float32)
    out = qdq_forward(x, scale, history, True, "float32")
    expected = (x / 0.01).astype(jnp.float8_e4m3fn).astype(jnp.float32) * 0.01
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    g = jax.grad(lambda *a: qdq_forward(*a, True, "float32").sum(), argnums=(0, 1, 2))(
        x, scale, history)
    np.testing.assert_array_equal(np.asarray(g[0]), np.ones(3))  # straight through
    np.testing.assert_allclose(float(g[1]), 5.0 / 448.0, rtol=1e-6)  # max history / e4m3 max
    np.testing.assert_array_equal(np.asarray(g[2]), np.float32([2.9, 2.0, 0.0]))  # rolled, amax first
    g = jax.grad(lambda y: qdq_gradient(y, jnp.float32(0.5), history, "float32").sum() * 3.3)(x)
    np.testing.assert_array_equal(np.asarray(g), np.full(3, 3.5))  # 3.3/0.5 -> e5m2 7.0


def test_embedding_has_no_float8_form():
    layer = lamina.layers.Embedding(5, 3)
    layer.build((None,))
    with pytest.raises(ValueError, match="Embedding 'embedding.*' has no 'float8' form"):
        layer.quantize("float8")


def test_gradient_accumulation_with_float8_is_a_clear_error():
    model, _ = _twins()
    model.compile(lamina.optimizers.SGD(gradient_accumulation_steps=2), "mse")
    x, y = _data()
    with pytest.raises(ValueError, match=r"SGD: gradient_accumulation_steps with variables .*"
                                         r"sequential/d/inputs_scale"):
        model.fit(x, y, verbose=0)
