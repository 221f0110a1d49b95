"""JaxLayer / FlaxLayer: training parity with Keras 3.15 on the same functions and params."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def _stateful_call(params, state, inputs, training):
    y = inputs @ params["w"] + params["b"]
    new_state = {"count": state["count"] + 1.0,
                 "mean": 0.9 * state["mean"] + 0.1 * jnp.mean(y, axis=0)}
    return jnp.tanh(y), new_state


def _data():
    rs = np.random.RandomState(0)
    params = {"w": rs.randn(3, 2).astype("float32"), "b": np.zeros(2, "float32")}
    state = {"count": np.zeros((), "float32"), "mean": np.zeros(2, "float32")}
    x = rs.randn(16, 3).astype("float32")
    y = rs.randn(16, 2).astype("float32")
    return params, state, x, y


def _fit(lib, layer, x, y):
    model = lib.Sequential([lib.Input((3,)), layer])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    return model, history.history["loss"]


def test_params_train_and_state_updates_like_keras():
    params, state, x, y = _data()
    ours, our_loss = _fit(lamina, lamina.layers.JaxLayer(_stateful_call, params=params,
                                                         state=state), x, y)
    ref, ref_loss = _fit(keras, keras.layers.JaxLayer(_stateful_call, params=params,
                                                      state=state), x, y)
    assert [w.trainable for w in ours.weights] == [True, True, False, False]
    np.testing.assert_allclose(our_loss, ref_loss, rtol=1e-6)
    for a, b in zip(ours.weights, ref.weights):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)
    assert float(ours.layers[0].state["count"].numpy()) == 4.0  # one per training step
    assert not np.allclose(np.asarray(ours.weights[1]), params["w"])  # params moved
    np.testing.assert_allclose(ours.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-7)


def test_init_fn_builds_from_input_shape_and_rng_given_in_training():
    def init_fn(rng, inputs):
        return {"w": jax.random.normal(rng, (inputs.shape[-1], 4))}

    seen = []

    def call_fn(params, rng, inputs, training):
        seen.append(rng is None)
        return inputs @ params["w"]

    layer = lamina.layers.JaxLayer(call_fn, init_fn=init_fn, seed=3)
    x = np.ones((2, 5), "float32")
    out = layer(x)
    assert layer.params["w"].shape == (5, 4) and len(layer.trainable_weights) == 1
    np.testing.assert_allclose(out, x @ np.asarray(layer.params["w"].numpy()), rtol=1e-6)
    layer(x, training=True)
    assert seen == [True, False]  # no rng in inference, a key in training


def test_call_fn_without_params():
    layer = lamina.layers.JaxLayer(lambda inputs: inputs * 2.0)
    np.testing.assert_allclose(layer(np.ones((2, 3), "float32")), 2 * np.ones((2, 3)))
    assert layer.weights == []


def test_bad_signatures_raise():
    with pytest.raises(ValueError, match="Unsupported argument in `call_fn`: `x`"):
        lamina.layers.JaxLayer(lambda params, inputs, x: x)
    with pytest.raises(ValueError, match="Missing required argument in `call_fn`: `inputs`"):
        lamina.layers.JaxLayer(lambda params: params)
    with pytest.raises(ValueError, match="cannot all be `None`"):
        lamina.layers.JaxLayer(lambda params, inputs: inputs)


def test_flax_layer_batchnorm_parity():
    nn = pytest.importorskip("flax.linen")

    class Net(nn.Module):
        @nn.compact
        def __call__(self, x, training):
            x = nn.Dense(4)(x)
            x = nn.BatchNorm(use_running_average=not training, momentum=0.9)(x)
            return nn.Dense(2)(x)

    module = Net()
    _, _, x, y = _data()
    variables = module.init(jax.random.PRNGKey(0), x, training=False)
    ours, our_loss = _fit(lamina, lamina.layers.FlaxLayer(module, variables=variables), x, y)
    ref, ref_loss = _fit(keras, keras.layers.FlaxLayer(module, variables=variables), x, y)
    assert len(ours.trainable_weights) == 6 and len(ours.non_trainable_weights) == 2
    np.testing.assert_allclose(our_loss, ref_loss, rtol=1e-6)
    for a, b in zip(ours.weights, ref.weights):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.predict(x, verbose=0), ref.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


@lamina.saving.register_keras_serializable(package="test_jax_layer")
def _double(inputs):
    return inputs * 2.0


def test_config_round_trip_through_a_model():
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.JaxLayer(_double, seed=5)])
    restored = lamina.models.model_from_json(model.to_json())
    assert restored.layers[0].get_config()["seed"] == 5
    np.testing.assert_allclose(restored(np.ones((1, 2), "float32")), [[2.0, 2.0]])


def test_rng_advances_each_training_step_in_fit():
    def call_fn(params, rng, inputs, training):
        y = inputs @ params["w"]
        return y * jax.random.bernoulli(rng, 0.5, y.shape) * 2.0 if training else y

    def init_fn(rng, inputs, training):
        return {"w": jax.random.normal(rng, (inputs.shape[-1], 2))}

    layer = lamina.layers.JaxLayer(call_fn, init_fn=init_fn, seed=1)
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, layer(inputs))
    model.compile("sgd", "mse")
    rs = np.random.RandomState(0)
    model.fit(rs.randn(16, 3).astype("float32"), rs.randn(16, 2).astype("float32"),
              epochs=2, batch_size=4, verbose=0)
    np.testing.assert_array_equal(layer.seed_generator.state.numpy(), [1, 8])  # 8 steps


def test_flax_layer_without_flax_names_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "flax.linen", None)  # import now fails
    with pytest.raises(ImportError, match="FlaxLayer needs the `flax` package"):
        lamina.layers.FlaxLayer(object())


def test_native_serialization_platforms_is_refused_clearly():
    with pytest.raises(ValueError, match=r"JaxLayer 'j'.*native_serialization_platforms.*"
                                         r"\('cpu',\)"):
        lamina.layers.JaxLayer(lambda inputs: inputs, native_serialization_platforms=("cpu",),
                               name="j")
