"""stateful=True recurrent layers: states carried across calls, predict/fit/evaluate batches,
reset_states(), compared with Keras 3 (its eager calls carry the states batch to batch)."""

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from tests.layers.recurrent.helpers import as_list

RNG = np.random.default_rng(3)
BATCH, STEPS, FEATURES = 4, 5, 3


def _x(batches=3):
    return RNG.standard_normal((BATCH * batches, STEPS, FEATURES)).astype("float32")


def _models(make):
    """The same stateful model in lamina and Keras, with Keras's weights in both."""
    built = []
    for lib in (keras, real_keras):
        inp = lib.Input(batch_shape=(BATCH, STEPS, FEATURES))
        built.append(lib.Model(inp, make(lib)(inp)))
    ours, theirs = built
    ours.set_weights(theirs.get_weights())
    return ours, theirs


def _keras_batches(model, x):
    """Keras's reference: one eager call per batch, in order (the states carry on)."""
    return np.concatenate([np.asarray(model(x[i:i + BATCH]))
                           for i in range(0, len(x), BATCH)])


LAYERS = {
    "simple_rnn": lambda lib: lib.layers.SimpleRNN(3, stateful=True),
    "lstm": lambda lib: lib.layers.LSTM(3, stateful=True, return_sequences=True),
    "gru": lambda lib: lib.layers.GRU(3, stateful=True),
    "stacked_cells": lambda lib: lib.layers.RNN(
        [lib.layers.LSTMCell(3), lib.layers.GRUCell(2)], stateful=True),
    "bidirectional": lambda lib: lib.layers.Bidirectional(lib.layers.LSTM(3, stateful=True)),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_predict_calls_carry_states_like_keras(kind):
    ours, theirs = _models(LAYERS[kind])
    x = _x()
    for _ in range(2):  # a second predict continues from where the first ended
        np.testing.assert_allclose(ours.predict(x, batch_size=BATCH, verbose=0),
                                   _keras_batches(theirs, x), rtol=1e-5, atol=1e-6)
    rnn_ours, rnn_theirs = ours.layers[1], theirs.layers[1]
    for a, b in zip(as_list(rnn_ours.states), as_list(rnn_theirs.states)):
        np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value), rtol=1e-5, atol=1e-6)
    rnn_ours.reset_states()
    for v in as_list(rnn_theirs.states):  # (Keras's reset_state fails on stacked cells' nesting)
        v.assign(np.zeros(v.shape, "float32"))
    np.testing.assert_allclose(np.asarray(ours(x[:BATCH])), np.asarray(theirs(x[:BATCH])),
                               rtol=1e-5, atol=1e-6)


def test_states_are_not_weights():
    ours, theirs = _models(LAYERS["lstm"])
    lstm = ours.layers[1]
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert len(ours.get_weights()) == 3
    assert len(lstm.states) == 2 and all(not v.trainable for v in lstm.states)
    assert all(any(v is s for s in ours.non_trainable_variables) for v in lstm.states)


def test_reset_states_to_given_values():
    layer = keras.layers.LSTM(2, stateful=True)
    x = _x(1)
    layer(x)
    h = RNG.standard_normal((BATCH, 2)).astype("float32")
    c = RNG.standard_normal((BATCH, 2)).astype("float32")
    layer.reset_states([h, c])
    np.testing.assert_array_equal(layer.states[0].numpy(), h)
    expected = keras.layers.LSTM.from_config({**layer.get_config(), "stateful": False})
    expected.build(x.shape)
    expected.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(expected(x, initial_state=[h, c])),
                               rtol=1e-6)
    layer.reset_state()
    assert not np.any(layer.states[1].numpy())
    with pytest.raises(ValueError, match=r"expects 2 state array\(s\), got 1"):
        layer.reset_states([h])
    with pytest.raises(ValueError, match=r"state 0 must have shape \(4, 2\), got .*\(3, 2\)"):
        layer.reset_states([h[:3], c])


def test_fit_and_evaluate_carry_states_like_a_manual_keras_loop():
    """fit(shuffle=False) with SGD equals a hand-written loop over Keras's stateless_call
    that passes each batch's final states to the next batch as initial_state."""
    x, y = _x(2), RNG.standard_normal((2 * BATCH, 2)).astype("float32")
    ours, _ = _models(lambda lib: lib.layers.LSTM(2, stateful=True))
    # Keras twin without stateful: the states go in and out explicitly.
    inputs = [real_keras.Input((STEPS, FEATURES)), real_keras.Input((2,)), real_keras.Input((2,))]
    out = real_keras.layers.LSTM(2, return_state=True)(inputs[0], initial_state=inputs[1:])
    reference = real_keras.Model(inputs, out)
    reference.set_weights(ours.get_weights())

    def loss(tv, xb, yb, states):
        (pred, h, c), _ = reference.stateless_call(tv, ntv, [xb, *states])
        return jnp.mean((pred - yb) ** 2), [h, c]

    tv = [v.value for v in reference.trainable_variables]
    ntv = [v.value for v in reference.non_trainable_variables]
    states = [jnp.zeros((BATCH, 2))] * 2
    for _ in range(2):  # epochs: the states carry across them too
        for i in range(0, len(x), BATCH):
            grads, states = jax.grad(loss, has_aux=True)(tv, x[i:i + BATCH], y[i:i + BATCH], states)
            tv = [w - 0.1 * g for w, g in zip(tv, grads)]
    ours.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    ours.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    for got, want in zip(ours.get_weights(), tv):
        np.testing.assert_allclose(got, np.asarray(want), rtol=1e-5, atol=1e-6)
    lstm = ours.layers[1]
    for got, want in zip(lstm.states, states):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)
    want_loss = np.mean([loss(tv, x[i:i + BATCH], y[i:i + BATCH], states)[0]
                         for i in (0,)])  # evaluate starts from the states fit left
    got_loss = ours.evaluate(x[:BATCH], y[:BATCH], batch_size=BATCH, verbose=0)
    np.testing.assert_allclose(got_loss, want_loss, rtol=1e-5)
    assert not np.allclose(lstm.states[0].numpy(), np.asarray(states[0]))  # evaluate moved them


def test_working_with_rnns_guide_example():
    """Keras's "Working with RNNs" guide: a stateful layer on paragraphs, reset, reuse."""
    paragraphs = [RNG.random((20, 10, 50)).astype("float32") for _ in range(3)]
    lstm_layer = keras.layers.LSTM(64, stateful=True)
    for paragraph in paragraphs:
        output = lstm_layer(paragraph)
    existing_state = lstm_layer.states
    new_lstm_layer = keras.layers.LSTM(64)
    new_lstm_layer.build(paragraphs[0].shape)
    new_lstm_layer.set_weights(lstm_layer.get_weights())
    new_output = new_lstm_layer(paragraphs[2], initial_state=existing_state)
    assert new_output.shape == output.shape == (20, 64)
    lstm_layer.reset_states()
    np.testing.assert_allclose(np.asarray(lstm_layer(paragraphs[0])),
                               np.asarray(new_lstm_layer(paragraphs[0])), rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="batch size must be static.*None, 5, 3"):
        keras.Sequential([keras.Input((STEPS, FEATURES)), keras.layers.LSTM(2, stateful=True)])
    layer = keras.layers.GRU(2, stateful=True)
    layer(_x(1))
    with pytest.raises(ValueError, match="Expected batch size: 4\n- Received batch size: 8"):
        layer(_x(2))
    with pytest.raises(AttributeError, match="Layer must be stateful"):
        keras.layers.Bidirectional(keras.layers.LSTM(2)).reset_states()


def test_batch_size_argument_and_config_round_trip():
    model = keras.Sequential([keras.Input((STEPS, FEATURES), batch_size=BATCH),
                              keras.layers.SimpleRNN(2, stateful=True)])
    layer = model.layers[0]
    assert layer.states[0].shape == (BATCH, 2)
    config = layer.get_config()
    assert config["stateful"] is True
    assert keras.layers.SimpleRNN.from_config(config).stateful


def test_a_stateful_layer_added_after_a_predict_carries_states():
    # predict caches whether a model has stateful layers; adding one must be seen.
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    model = keras.Sequential([keras.Input(batch_shape=(2, 4, 3)),
                              keras.layers.Dense(3)])
    first = model.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), first)
    model.add(keras.layers.LSTM(2, stateful=True))
    a, b = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert np.abs(a - b).max() > 1e-4  # the second call starts from the first's states
    model.layers[-1].reset_states()
    np.testing.assert_allclose(model.predict(x, verbose=0), a, rtol=1e-6)
