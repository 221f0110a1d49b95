"""AlphaDropout: SELU statistics kept, masks, config and errors as in Keras 3."""

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


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"AlphaDropout 'alpha_dropout'.*rate"):
        lamina.layers.AlphaDropout(1.5)
