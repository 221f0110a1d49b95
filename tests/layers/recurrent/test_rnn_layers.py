"""SimpleRNN, LSTM, GRU and RNN against Keras 3: outputs, masks, states, shapes, configs."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

from .helpers import RNG, assert_same_as_keras, ragged_mask, sequences

MODES = [
    {},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"return_state": True, "go_backwards": True, "unroll": True},
]


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("mode,masked", [(MODES[0], False)] + [(m, True) for m in MODES],
                         ids=lambda m: m if isinstance(m, bool) else "-".join(m) or "last")
def test_matches_keras(name, mode, masked):
    x = sequences()
    mask = ragged_mask() if masked else None
    assert_same_as_keras(getattr(layers, name)(5, **mode), getattr(real_keras.layers, name)(5, **mode),
                         x, mask=mask)


def test_gru_reset_before_and_no_bias_match_keras():
    x, mask = sequences(), ragged_mask()
    assert_same_as_keras(layers.GRU(4, reset_after=False, return_sequences=True),
                         real_keras.layers.GRU(4, reset_after=False, return_sequences=True), x, mask=mask)
    assert_same_as_keras(layers.LSTM(4, use_bias=False, unit_forget_bias=False),
                         real_keras.layers.LSTM(4, use_bias=False, unit_forget_bias=False), x)
    assert_same_as_keras(layers.SimpleRNN(4, activation="relu", use_bias=False),
                         real_keras.layers.SimpleRNN(4, activation="relu", use_bias=False), x)


def test_initial_state_and_zero_output_for_mask_match_keras():
    x, mask = sequences(), ragged_mask()
    h0, c0 = RNG.standard_normal((2, 3, 5)).astype("float32")
    assert_same_as_keras(layers.LSTM(5, return_sequences=True, return_state=True),
                         real_keras.layers.LSTM(5, return_sequences=True, return_state=True),
                         x, initial_state=[h0, c0], mask=mask)
    assert_same_as_keras(layers.RNN(layers.GRUCell(5), return_sequences=True, zero_output_for_mask=True),
                         real_keras.layers.RNN(real_keras.layers.GRUCell(5), return_sequences=True,
                                               zero_output_for_mask=True), x, initial_state=h0, mask=mask)


def test_stacked_cells_match_keras():
    x, mask = sequences(), ragged_mask()
    ours = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2), layers.SimpleRNNCell(4)],
                      return_sequences=True, return_state=True)
    theirs = real_keras.layers.RNN(
        [real_keras.layers.LSTMCell(3), real_keras.layers.GRUCell(2), real_keras.layers.SimpleRNNCell(4)],
        return_sequences=True, return_state=True)
    out = assert_same_as_keras(ours, theirs, x, mask=mask)
    assert [w.path for w in ours.weights][:3] == [
        "rnn/stacked_rnn_cells/lstm_cell/kernel", "rnn/stacked_rnn_cells/lstm_cell/recurrent_kernel",
        "rnn/stacked_rnn_cells/lstm_cell/bias"]
    assert len(out) == 5  # output, [h, c] of the LSTM cell, h of GRU, h of SimpleRNN


def test_weights_shapes_and_paths_like_keras():
    lstm, gru = layers.LSTM(3), layers.GRU(3)
    lstm.build((None, 4, 2))
    gru.build((None, 4, 2))
    assert [(w.path, w.shape) for w in lstm.weights] == [
        ("lstm/lstm_cell/kernel", (2, 12)), ("lstm/lstm_cell/recurrent_kernel", (3, 12)),
        ("lstm/lstm_cell/bias", (12,))]
    assert [w.shape for w in gru.weights] == [(2, 9), (3, 9), (2, 9)]
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0.0] * 3 + [1.0] * 3 + [0.0] * 6)
    recurrent = np.asarray(lstm.cell.recurrent_kernel.numpy())
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-5)  # orthogonal rows


def test_masks_in_models_match_keras():
    tokens = np.array([[4, 2, 9, 0, 0], [7, 0, 0, 0, 0], [1, 2, 3, 4, 5]], "int32")

    def build(lib):
        inp = lib.Input((5,), dtype="int32")
        x = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
        x = lib.layers.LSTM(6, return_sequences=True)(x)
        x = lib.layers.Dense(3)(x)  # passes the mask on
        return lib.Model(inp, lib.layers.GRU(2)(x))

    ours, theirs = build(keras), build(real_keras)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(tokens), theirs(tokens), atol=1e-5)
    values = sequences(3, 5, 2)
    values[0, 3:] = 0.0
    values[1, 0] = 0.0

    def build_seq(lib):
        return lib.Sequential([lib.Input((5, 2)), lib.layers.Masking(0.0),
                               lib.layers.GRU(4, return_sequences=True), lib.layers.SimpleRNN(3)])

    ours, theirs = build_seq(keras), build_seq(real_keras)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(values), theirs(values), atol=1e-5)


def test_symbolic_shapes_and_output_masks():
    inp = keras.Input((7, 3))
    assert layers.LSTM(4)(inp).shape == (None, 4)
    seq = layers.GRU(4, return_sequences=True)(inp)
    assert seq.shape == (None, 7, 4)
    out, h, c = layers.LSTM(2, return_state=True)(inp)
    assert out.shape == h.shape == c.shape == (None, 2)
    tokens = keras.Input((None,), dtype="int32")
    emb = layers.Embedding(5, 3, mask_zero=True)(tokens)
    seq = layers.LSTM(4, return_sequences=True)(emb)
    assert seq.shape == (None, None, 4) and seq._keras_mask is not None
    assert layers.LSTM(4)(emb)._keras_mask is None
    out, h = layers.SimpleRNN(2, return_sequences=True, return_state=True)(emb)
    assert out._keras_mask is not None and h._keras_mask is None


def test_config_round_trip():
    lstm = layers.LSTM(3, activation="relu", recurrent_dropout=0.1, return_sequences=True,
                       kernel_regularizer="l2", name="enc")
    config = lstm.get_config()
    theirs = real_keras.layers.LSTM(3, activation="relu", recurrent_dropout=0.1,
                                    return_sequences=True, kernel_regularizer="l2", name="enc")
    assert set(theirs.get_config()) <= set(config) | {"dtype"}
    clone = layers.LSTM.from_config(config)
    assert clone.get_config() == config and clone.units == 3 and clone.name == "enc"
    rnn = layers.RNN([layers.GRUCell(2), layers.LSTMCell(3)], go_backwards=True)
    clone = layers.RNN.from_config(rnn.get_config())
    assert isinstance(clone.cell, layers.StackedRNNCells) and clone.go_backwards
    assert [type(c).__name__ for c in clone.cell.cells] == ["GRUCell", "LSTMCell"]
    model = keras.Sequential([keras.Input((4, 2)), layers.GRU(3, reset_after=False)])
    again = keras.Sequential.from_config(model.get_config())
    assert again.layers[0].cell.reset_after is False and again.output_shape == (None, 3)


def test_keras_positional_arguments():
    lstm = layers.LSTM(3, "relu", "hard_sigmoid", False)
    assert lstm.cell.use_bias is False and lstm.activation.__name__ == "relu"
    # Every parameter binds positionally as in Keras; one more than Keras takes is refused.
    rnn = layers.SimpleRNN(3, "tanh", True, "ones")
    assert rnn.get_config()["kernel_initializer"]["class_name"] == "Ones"
    with pytest.raises(TypeError, match="positional"):
        layers.SimpleRNN(3, *([None] * 21))


def test_bad_inputs_and_arguments():
    with pytest.raises(ValueError, match="stateful=True.*batch size must be static"):
        layers.LSTM(2, stateful=True)(keras.Input((3, 2)))
    with pytest.raises(ValueError, match="batch, steps, features"):
        layers.GRU(2)(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="batch, steps, features"):
        layers.LSTM(2)(keras.Input((3,)))
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="units must be a positive int"):
        layers.GRU(0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        layers.LSTM(2, unitz=3)
    with pytest.raises(ValueError, match="initial state"):
        layers.LSTM(2)(sequences(), initial_state=[np.zeros((3, 2), "float32")])
