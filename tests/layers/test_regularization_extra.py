"""AlphaDropout and ActivityRegularization: Keras 3's behaviour, configs and errors."""

import jax
import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def test_alpha_dropout_keeps_selu_statistics():
    x = np.random.default_rng(0).normal(size=(200, 500)).astype("float32")
    layer = lamina.layers.AlphaDropout(0.2, seed=3)
    np.testing.assert_array_equal(np.asarray(layer(x)), x)  # inference: identity
    out = np.asarray(layer(x, training=True))
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1.0) < 0.02
    # Dropped entries all take one value: SELU's saturation, mapped by the affine step.
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.2) * (1 + 0.2 * alpha_p ** 2)) ** -0.5
    dropped = np.isclose(out, a * alpha_p - a * alpha_p * 0.2, atol=1e-6)
    assert abs(dropped.mean() - 0.2) < 0.01
    kept = ~dropped
    np.testing.assert_allclose(out[kept], a * x[kept] - a * alpha_p * 0.2, rtol=1e-5, atol=1e-5)


def test_alpha_dropout_noise_shape_and_jit():
    layer = lamina.layers.AlphaDropout(0.5, noise_shape=(None, 1, 4), seed=1)
    x = np.ones((3, 5, 4), "float32")
    state = [v.value for v in layer.non_trainable_variables]  # the seed generator's
    run = jax.jit(lambda v, s: layer.stateless_call([], s, v, training=True))
    out, state = run(x, state)
    again, _ = run(x, state)
    out, again = np.asarray(out), np.asarray(again)
    assert np.all(out == out[:, :1, :])  # one mask value along the shared axis
    assert not np.array_equal(out, again)  # a new mask each step
    config = layer.get_config()
    assert sorted(config) == sorted(keras.layers.AlphaDropout(0.5).get_config())
    assert lamina.layers.AlphaDropout.from_config(config).noise_shape == (None, 1, 4)


def test_activity_regularization_matches_keras():
    x = np.random.default_rng(1).normal(size=(4, 3, 5)).astype("float32")
    ref = keras.layers.ActivityRegularization(l1=0.1, l2=0.02)
    mine = lamina.layers.ActivityRegularization(l1=0.1, l2=0.02)
    np.testing.assert_array_equal(np.asarray(mine(x)), x)
    ref(x)
    np.testing.assert_allclose([float(v) for v in mine.losses],
                               [float(v) for v in ref.losses], rtol=1e-6)
    assert sorted(mine.get_config()) == sorted(ref.get_config())
    assert lamina.layers.ActivityRegularization.from_config(mine.get_config()).l2 == 0.02


def test_activity_regularization_adds_to_the_training_loss():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, kernel_initializer="ones"),
                               lamina.layers.ActivityRegularization(l2=1.0)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), "float32"), np.full((4, 2), 3.0, "float32")
    # Outputs are all 3 (no data loss); the penalty is sum(3**2) over a batch of 4, / 4.
    assert model.evaluate(x, y, batch_size=4, verbose=0) == pytest.approx(18.0)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"AlphaDropout 'alpha_dropout'.*rate"):
        lamina.layers.AlphaDropout(1.5)
    with pytest.raises(ValueError, match=r"ActivityRegularization.*l1"):
        lamina.layers.ActivityRegularization(l1=-1.0)
