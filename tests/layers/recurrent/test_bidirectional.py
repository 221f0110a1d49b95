"""Bidirectional against Keras 3: merge modes, states, masks, shapes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

from .helpers import RNG, assert_same_as_keras, ragged_mask, sequences


def test_merge_modes_match_keras():
    x, mask = sequences(), ragged_mask()
    for merge_mode in ("concat", None):
        ours = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
        theirs = real_keras.layers.Bidirectional(real_keras.layers.LSTM(3, return_sequences=True),
                                                 merge_mode=merge_mode)
        assert_same_as_keras(ours, theirs, x, mask=mask)
    forward, backward = (np.asarray(t) for t in ours(x, mask=mask))
    merged = {"sum": forward + backward, "ave": (forward + backward) / 2, "mul": forward * backward}
    for merge_mode, expected in merged.items():
        other = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
        other.build(x.shape)
        other.set_weights(ours.get_weights())
        np.testing.assert_allclose(other(x, mask=mask), expected, atol=1e-6)


def test_states_and_initial_state_match_keras():
    x, mask = sequences(), ragged_mask()
    ours = layers.Bidirectional(layers.GRU(3, return_state=True))
    theirs = real_keras.layers.Bidirectional(real_keras.layers.GRU(3, return_state=True))
    out = assert_same_as_keras(ours, theirs, x, mask=mask)
    assert [o.shape for o in out] == [(3, 6), (3, 3), (3, 3)]
    states = [RNG.standard_normal((3, 2)).astype("float32") for _ in range(4)]
    ours = layers.Bidirectional(layers.LSTM(2, return_sequences=True, return_state=True), merge_mode="sum")
    theirs = real_keras.layers.Bidirectional(
        real_keras.layers.LSTM(2, return_sequences=True, return_state=True), merge_mode="sum")
    assert_same_as_keras(ours, theirs, x, initial_state=states)


def test_in_a_masked_model_like_keras():
    tokens = np.array([[3, 1, 4, 0, 0], [2, 0, 0, 0, 0]], "int32")

    def build(lib):
        inp = lib.Input((5,), dtype="int32")
        x = lib.layers.Embedding(6, 3, mask_zero=True)(inp)
        x = lib.layers.Bidirectional(lib.layers.SimpleRNN(2, return_sequences=True))(x)
        x = lib.layers.Bidirectional(lib.layers.LSTM(2), merge_mode="ave")(x)
        return lib.Model(inp, x)

    real_keras.backend.clear_session()  # Keras's automatic names start over, as lamina's did
    ours, theirs = build(keras), build(real_keras)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(tokens), theirs(tokens), atol=1e-5)


def test_shapes_masks_config_and_errors():
    inp = keras.Input((4, 3))
    emb_in = keras.Input((4,), dtype="int32")
    emb = layers.Embedding(5, 3, mask_zero=True)(emb_in)
    seq = layers.Bidirectional(layers.GRU(2, return_sequences=True))(emb)
    assert seq.shape == (None, 4, 4) and seq._keras_mask is not None
    both = layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode=None)(emb)
    assert [t.shape for t in both] == [(None, 4, 2)] * 2 and both[1]._keras_mask is not None
    out = layers.Bidirectional(layers.LSTM(2, return_state=True))(inp)
    assert [t.shape for t in out] == [(None, 4)] + [(None, 2)] * 4
    bi = layers.Bidirectional(layers.LSTM(2, name="enc"), merge_mode="mul", name="bi")
    config = bi.get_config()
    assert config["layer"]["config"]["name"] == "forward_enc"
    assert config["backward_layer"]["config"]["go_backwards"] is True
    clone = layers.Bidirectional.from_config(config)
    assert clone.merge_mode == "mul" and clone.forward_layer.name == "forward_enc"
    assert clone.backward_layer.go_backwards and not clone.forward_layer.go_backwards
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        layers.Bidirectional(layers.Dense(2))
    with pytest.raises(ValueError, match="different `go_backwards`"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="the same `return_sequences`"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True,
                                                                         return_sequences=True))
