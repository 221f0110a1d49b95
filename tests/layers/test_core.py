"""Dense, Activation, Identity, Lambda: values (against Keras 3), shapes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(0)


def _same_weights(ours, theirs, shape):
    ours.build(shape)
    theirs.build(shape)
    weights = [RNG.standard_normal(w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "softmax", "tanh", "gelu"])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_dense_matches_keras(activation, shape):
    ours = layers.Dense(3, activation=activation)
    theirs = real_keras.layers.Dense(3, activation=activation)
    _same_weights(ours, theirs, (None,) + shape[1:])
    x = RNG.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-6, rtol=1e-6)


def test_dense_without_bias_matches_keras():
    ours = layers.Dense(2, use_bias=False)
    theirs = real_keras.layers.Dense(2, use_bias=False)
    _same_weights(ours, theirs, (None, 4))
    assert [w.path for w in ours.weights] == ["dense/kernel"]
    x = RNG.standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-6)


def test_dense_shapes_and_weights():
    dense = layers.Dense(7)
    assert dense(keras.Input((2, 5))).shape == (None, 2, 7)
    assert dense.kernel.shape == (5, 7) and dense.bias.shape == (7,)
    np.testing.assert_array_equal(dense.bias.numpy(), np.zeros(7))
    assert dense.compute_output_shape((None, 9, 5)) == (None, 9, 7)


def test_dense_initializers_are_used():
    dense = layers.Dense(2, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(0.5))
    out = dense(np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(out, [[6.5, 6.5]])


def test_dense_invalid_arguments():
    with pytest.raises(ValueError, match="units must be a positive int"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="known last input dimension"):
        layers.Dense(2)(keras.Input((None,)))
    with pytest.raises(TypeError, match="unexpected keyword"):
        layers.Dense(2, unitz=3)


def test_dense_activity_regularizer_adds_a_loss():
    dense = layers.Dense(2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L1(0.1))
    dense(np.array([[1.0, 1.0]]))
    assert [float(v) for v in dense.losses] == [pytest.approx(0.4)]


def test_dense_config_round_trip():
    dense = layers.Dense(3, activation="relu", use_bias=False, name="d",
                         kernel_regularizer="l2", kernel_initializer="he_normal")
    config = dense.get_config()
    assert config["units"] == 3 and config["activation"] == "relu" and config["use_bias"] is False
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert config["kernel_regularizer"]["class_name"] == "L2"
    clone = layers.Dense.from_config(config)
    assert clone.get_config() == config
    assert clone.name == "d" and clone.units == 3 and not clone.use_bias
    # Keras 3 and lamina describe the same layer with the same core keys.
    theirs = real_keras.layers.Dense(3, activation="relu", use_bias=False, name="d").get_config()
    for key in ("name", "units", "activation", "use_bias", "trainable"):
        assert config[key] == theirs[key], key


@pytest.mark.parametrize("name", ["relu", "sigmoid", "softmax", "tanh", "elu", "selu", "softplus",
                                  "swish", "gelu", "linear", "exponential"])
def test_activation_matches_keras(name):
    x = RNG.standard_normal((4, 5)).astype("float32")
    np.testing.assert_allclose(layers.Activation(name)(x), real_keras.layers.Activation(name)(x),
                               atol=1e-6, rtol=1e-5)


def test_activation_config_and_callable():
    layer = layers.Activation("relu")
    assert layer.get_config()["activation"] == "relu"
    clone = layers.Activation.from_config(layer.get_config())
    np.testing.assert_array_equal(clone(np.array([-1.0, 2.0])), [0.0, 2.0])
    np.testing.assert_array_equal(layers.Activation(lambda x: x * 3)(np.array([1.0])), [3.0])
    assert layers.Activation("tanh")(keras.Input((4, 2))).shape == (None, 4, 2)


def test_identity():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(layers.Identity()(x), x)
    assert layers.Identity()(keras.Input((3,))).shape == (None, 3)
    assert layers.Identity.from_config(layers.Identity(name="i").get_config()).name == "i"


def test_lambda_infers_shape_and_uses_arguments():
    layer = layers.Lambda(lambda x, k: x[:, :k] * 2, arguments={"k": 2})
    sym = layer(keras.Input((5,)))
    assert sym.shape == (None, 2)
    np.testing.assert_array_equal(layer(np.ones((1, 5))), [[2.0, 2.0]])
    assert layers.Lambda(lambda x: x, output_shape=(7,))(keras.Input((7,))).shape == (None, 7)
    with pytest.raises(ValueError, match="callable"):
        layers.Lambda(3)


def test_lambda_config_needs_unsafe_mode_for_bytecode():
    layer = layers.Lambda(lambda x: x + 1.0, name="plus_one")
    config = layer.get_config()
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(config)
    clone = layers.Lambda.from_config(config, safe_mode=False)
    np.testing.assert_array_equal(clone(np.array([1.0])), [2.0])


def test_keras_style_dtype_policy_dict_is_accepted():
    policy = real_keras.layers.Dense(2, dtype="float16").get_config()["dtype"]
    assert isinstance(policy, dict)
    dense = layers.Dense(2, dtype=policy, quantization_config=None)
    assert dense.dtype == "float16"
    assert dense(np.ones((1, 3), "float32")).dtype == np.float16


def test_dense_from_a_keras_3_config():
    config = real_keras.layers.Dense(3, activation="relu", kernel_regularizer="l2", name="k").get_config()
    dense = layers.Dense.from_config(config)
    assert dense.name == "k" and dense.units == 3 and dense.dtype == "float32"
    assert dense.get_config()["kernel_regularizer"]["config"] == {"l2": 0.01}
    np.testing.assert_array_equal(dense(np.array([[-1.0, 0.0]]) * 0).shape, (1, 3))


def test_dense_gradients_equal_jax_autodiff():
    """Dense's hand-written backward pass gives jax.grad's numbers (2-D and 3-D inputs)."""
    import jax
    import jax.numpy as jnp

    from lamina.layers.dense_matmul import dense_matmul

    rng = np.random.default_rng(0)
    for shape in ((16, 7), (4, 5, 7)):
        x = jnp.asarray(rng.normal(size=shape), jnp.float32)
        w = jnp.asarray(rng.normal(size=(7, 3)), jnp.float32)
        mine = jax.grad(lambda a, b: jnp.sum(jnp.sin(dense_matmul(a, b))), (0, 1))(x, w)
        ref = jax.grad(lambda a, b: jnp.sum(jnp.sin(jnp.matmul(a, b))), (0, 1))(x, w)
        for a, b in zip(mine, ref):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)
