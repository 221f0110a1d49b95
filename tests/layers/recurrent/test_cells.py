"""Cells on their own, user-defined cells in RNN, dropout, against Keras 3 where it applies."""

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

from .helpers import RNG, ragged_mask, sequences


@pytest.mark.parametrize("name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_step_matches_keras(name):
    x = RNG.standard_normal((3, 4)).astype("float32")
    ours, theirs = getattr(layers, name)(5), getattr(real_keras.layers, name)(5)
    theirs.build((None, 4))
    ours.build((None, 4))
    ours.set_weights(theirs.get_weights())
    states = [RNG.standard_normal((3, 5)).astype("float32") for _ in np.atleast_1d(theirs.state_size)]
    out, new = ours(x, states)
    out_k, new_k = theirs(x, states)
    np.testing.assert_allclose(out, out_k, atol=1e-5)
    for a, b in zip(new, new_k):
        np.testing.assert_allclose(a, b, atol=1e-5)
    assert ours.state_size == theirs.state_size and ours.output_size == 5


class MinimalCell(keras.layers.Layer):
    """The Keras guide's custom cell: output = x @ W + h @ U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        output = inputs @ self.kernel.value + states[0] @ self.recurrent_kernel.value
        return output, [output]


def test_user_cell_runs_in_rnn_and_stacks():
    x, mask = sequences(), ragged_mask()
    layer = layers.RNN(MinimalCell(4), return_sequences=True)
    out = np.asarray(layer(x, mask=mask))
    w, u = (v.numpy() for v in layer.weights)
    h, expected = np.zeros((3, 4), "float32"), []
    for t in range(x.shape[1]):
        new = x[:, t] @ w + h @ u
        keep = mask[:, t:t + 1]
        h = np.where(keep, new, h)
        expected.append(h)
    np.testing.assert_allclose(out, np.stack(expected, 1), atol=1e-5)
    stacked = layers.RNN([MinimalCell(3), layers.LSTMCell(2)])
    assert stacked(x).shape == (3, 2)
    inp = keras.Input((6, 4))
    assert keras.Model(inp, layers.RNN(MinimalCell(2))(inp)).output_shape == (None, 2)


def test_dropout_masks_are_per_sequence_and_only_in_training():
    x = np.ones((4, 5, 3), "float32")
    layer = layers.SimpleRNN(6, dropout=0.5, recurrent_dropout=0.3, seed=1, return_sequences=True)
    plain = np.asarray(layer(x))
    np.testing.assert_allclose(layer(x, training=False), plain)
    first, second = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=True))
    assert not np.allclose(first, plain) and not np.allclose(first, second)
    # the input mask is drawn once per call: a cell whose recurrence is off sees the same
    # dropped inputs at every step
    cell = layers.SimpleRNNCell(6, dropout=0.5, seed=3, recurrent_initializer="zeros")
    out = np.asarray(layers.RNN(cell, return_sequences=True)(x, training=True))
    np.testing.assert_allclose(out, np.broadcast_to(out[:, :1], out.shape), atol=1e-6)


def test_dropout_inside_jit_updates_the_seed_state():
    layer = layers.LSTM(3, dropout=0.4, recurrent_dropout=0.4, seed=0)
    x = np.ones((2, 4, 3), "float32")
    layer(x)
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]
    step = jax.jit(lambda tv, ntv: layer.stateless_call(tv, ntv, x, training=True))
    out1, ntv1 = step(tv, ntv)
    out2, _ = step(tv, ntv1)
    assert not np.array_equal(np.asarray(ntv1[0]), np.asarray(ntv[0]))
    assert not np.allclose(out1, out2)


def test_cell_configs_and_errors():
    cell = layers.GRUCell(3, reset_after=False, dropout=0.2, name="g")
    config = cell.get_config()
    assert config["reset_after"] is False and config["dropout"] == 0.2
    assert layers.GRUCell.from_config(config).get_config() == config
    theirs = real_keras.layers.GRUCell(3, reset_after=False, dropout=0.2, name="g").get_config()
    assert set(theirs) - {"dtype"} <= set(config)
    stacked = layers.StackedRNNCells([layers.LSTMCell(2), layers.SimpleRNNCell(3)])
    clone = layers.StackedRNNCells.from_config(stacked.get_config())
    assert clone.state_size == [[2, 2], 3] and clone.output_size == 3
    with pytest.raises(ValueError, match="state_size"):
        layers.StackedRNNCells([layers.Dense(2)])
    with pytest.raises(ValueError, match="feature"):
        layers.LSTMCell(2).build((None, None))
    assert jnp.asarray(layers.LSTMCell(2).get_initial_state(3)[1]).shape == (3, 2)
