"""lstm_sequence (the LSTM's whole-sequence path with its own backward pass): values and
gradients against JAX's derivative of a plain step-by-step LSTM, and LSTM layers using it
against Keras 3 (outputs and a few SGD steps of training)."""

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np
import pytest
from jax import lax

import lamina as keras
from lamina import layers
from lamina.layers.recurrent.lstm_sequence import lstm_sequence

from .helpers import assert_same_as_keras, sequences


def _reference(xs, kernel, recurrent_kernel, bias, h0, c0, mask, reverse, return_sequences):
    """The textbook LSTM step under lax.scan (a masked row keeps its states), differentiated
    by JAX."""
    def step(carry, inputs):
        (h, c), (x_t, m_t) = carry, inputs
        i, f, g, o = jnp.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
        c_new = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h_new = jax.nn.sigmoid(o) * jnp.tanh(c_new)
        h, c = jnp.where(m_t[:, None], h_new, h), jnp.where(m_t[:, None], c_new, c)
        return (h, c), h

    keep = jnp.ones(xs.shape[:2], bool) if mask is None else mask
    (h, c), hs = lax.scan(step, (h0, c0), (xs, keep), reverse=reverse)
    return h, c, (hs if return_sequences else None)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_values_and_gradients_match_jax_derivative(reverse, return_sequences, masked):
    rng = np.random.default_rng(1)
    steps, batch, features, units = 5, 3, 4, 2
    args = [rng.standard_normal(s).astype("float32") * 0.7 for s in
            [(steps, batch, features), (features, 4 * units), (units, 4 * units),
             (4 * units,), (batch, units), (batch, units)]]
    weights = [rng.standard_normal(s).astype("float32") for s in
               [(batch, units), (batch, units), (steps, batch, units)]]

    mask = rng.random((steps, batch)) > 0.4 if masked else None

    def loss(fn):
        def value(*a):
            h, c, hs = fn(*a, mask, reverse, return_sequences)
            total = jnp.sum(h * weights[0]) + jnp.sum(c * weights[1])
            return total + (jnp.sum(hs * weights[2]) if return_sequences else 0.0)
        return value

    ours = lstm_sequence(*args, mask, reverse, return_sequences)
    expected = _reference(*args, mask, reverse, return_sequences)
    for got, want in zip(ours, expected):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, atol=1e-6)
    grads = jax.grad(loss(lstm_sequence), argnums=tuple(range(6)))(*args)
    want_grads = jax.grad(loss(_reference), argnums=tuple(range(6)))(*args)
    for got, want in zip(grads, want_grads):
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("mode", [
    {"return_sequences": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"use_bias": False, "return_state": True},
])
def test_unmasked_layer_matches_keras(mode):
    assert_same_as_keras(layers.LSTM(5, **mode), real_keras.layers.LSTM(5, **mode), sequences())


def _model(lib, mask_zero):
    return lib.Sequential([
        lib.Input((6,), dtype="int32"),
        lib.layers.Embedding(8, 8, mask_zero=mask_zero),
        lib.layers.Bidirectional(lib.layers.LSTM(5, return_sequences=True)),
        lib.layers.LSTM(4, go_backwards=True),
        lib.layers.Dense(1, activation="sigmoid"),
    ])


@pytest.mark.parametrize("mask_zero", [False, True])
def test_training_matches_keras(mask_zero):
    """Bidirectional(return_sequences) sets zero_output_for_mask on its LSTMs; token 0
    (about one step in eight) is masked with mask_zero."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 8, size=(32, 6)).astype("int32")
    x[:4, 4:] = 0  # trailing padding as well as holes
    y = (x[:, 0] > 3).astype("float32")[:, None]
    real_keras.utils.set_random_seed(0)
    ours, theirs = _model(keras, mask_zero), _model(real_keras, mask_zero)
    ours.set_weights(theirs.get_weights())
    for model, lib in ((ours, keras), (theirs, real_keras)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    h_ours = ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_input_dropout_same_as_the_step_loop():
    """With dropout in training, the whole-sequence path draws and applies the same mask as
    the step loop (unroll=True always takes the step loop)."""
    x = sequences()
    whole = layers.LSTM(5, dropout=0.4, seed=3, return_sequences=True)
    steps = layers.LSTM(5, dropout=0.4, seed=3, return_sequences=True, unroll=True)
    whole.build(x.shape)
    steps.build(x.shape)
    steps.set_weights(whole.get_weights())
    got, want = whole(x, training=True), steps(x, training=True)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert not np.allclose(got, whole(x, training=False))


def test_other_activations_use_the_step_loop():
    options = {"activation": "relu", "recurrent_activation": "hard_sigmoid"}
    assert_same_as_keras(layers.LSTM(5, **options), real_keras.layers.LSTM(5, **options),
                         sequences())


def test_recurrent_dropout_in_training_uses_the_step_loop():
    x = jnp.asarray(sequences())
    layer = layers.LSTM(5, recurrent_dropout=0.5, seed=1)
    layer.build(x.shape)
    states = [jnp.zeros((3, 5))] * 2
    assert layer.cell.run_sequence(x, states, True, False, False) is None
    assert layer.cell.run_sequence(x, states, False, False, False) is not None
