"""ConvLSTM1D/2D/3D against Keras 3: outputs on the same weights, config, weight files."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from tests.layers.recurrent.helpers import as_list

RNG = np.random.default_rng(5)


def _pair(name, *args, **kwargs):
    return getattr(keras.layers, name)(*args, **kwargs), \
        getattr(real_keras.layers, name)(*args, **kwargs)


def _same(ours, theirs, x, **call_kwargs):
    expected = as_list(theirs(x, **call_kwargs))
    ours.build(x.shape)
    ours.set_weights(theirs.get_weights())
    got = as_list(ours(x, **call_kwargs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert tuple(g.shape) == tuple(e.shape)
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), rtol=1e-5, atol=1e-5)


CASES = [
    ("ConvLSTM1D", (2, 4, 7, 3), dict(return_sequences=True)),
    ("ConvLSTM1D", (2, 4, 7, 3), dict(strides=2, padding="same", return_state=True)),
    ("ConvLSTM2D", (2, 3, 6, 5, 2), dict(dilation_rate=2, go_backwards=True)),
    ("ConvLSTM2D", (2, 3, 6, 5, 2), dict(data_format="channels_first", return_sequences=True,
                                         padding="same", unit_forget_bias=False)),
    ("ConvLSTM3D", (1, 3, 4, 5, 4, 2), dict(padding="same", return_state=True,
                                            recurrent_activation="hard_sigmoid")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_outputs_match_keras(name, shape, kwargs):
    ours, theirs = _pair(name, 3, 3, **kwargs)
    _same(ours, theirs, RNG.standard_normal(shape).astype("float32"))
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]


def test_initial_state_matches_keras():
    ours, theirs = _pair("ConvLSTM2D", 2, 3, padding="same", return_sequences=True,
                         return_state=True)
    x = RNG.standard_normal((3, 4, 5, 5, 2)).astype("float32")
    states = [RNG.standard_normal((3, 5, 5, 2)).astype("float32") for _ in range(2)]
    _same(ours, theirs, x, initial_state=states)


def test_masked_steps_are_skipped():
    """(Keras 3.15's ConvLSTM fails on masks.) A masked step leaves the states as they were:
    the final states equal a run over the sample's unmasked steps only."""
    layer = keras.layers.ConvLSTM2D(2, 3, padding="same", return_state=True)
    x = RNG.standard_normal((3, 4, 5, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1], [0, 1, 1, 1]], bool)
    _, h, c = layer(x, mask=mask)
    for i in range(3):
        _, h_i, c_i = layer(x[i:i + 1, mask[i]])
        np.testing.assert_allclose(np.asarray(h)[i:i + 1], np.asarray(h_i), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(np.asarray(c)[i:i + 1], np.asarray(c_i), rtol=1e-5, atol=1e-6)


def test_config_round_trip_both_ways():
    ours, theirs = _pair("ConvLSTM2D", 4, (3, 2), strides=(1, 2), padding="same",
                         dropout=0.1, recurrent_dropout=0.2, seed=3, return_sequences=True)
    mine, reference = ours.get_config(), theirs.get_config()
    assert set(mine) == set(reference)
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "dropout", "recurrent_dropout", "seed", "return_sequences", "unit_forget_bias"):
        assert mine[key] == reference[key], key
    again = keras.layers.ConvLSTM2D.from_config(reference)
    assert again.kernel_size == (3, 2) and again.recurrent_dropout == 0.2
    assert real_keras.layers.ConvLSTM2D.from_config(mine).get_config()["strides"] == (1, 2)


def test_weights_files_move_both_ways(tmp_path):
    x = RNG.standard_normal((2, 3, 6, 6, 2)).astype("float32")
    models = []
    for lib in (keras, real_keras):
        inp = lib.Input((3, 6, 6, 2))
        models.append(lib.Model(inp, lib.layers.ConvLSTM2D(3, 3, padding="same")(inp)))
    ours, theirs = models
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)
    for w in ours.weights:
        w.assign(np.asarray(w.value) * 0.5)
    ours.save_weights(tmp_path / "l.weights.h5")
    theirs.load_weights(tmp_path / "l.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)


def test_dropout_only_in_training():
    layer = keras.layers.ConvLSTM1D(3, 2, dropout=0.5, recurrent_dropout=0.5, seed=1)
    x = RNG.standard_normal((2, 4, 6, 2)).astype("float32")
    plain = keras.layers.ConvLSTM1D(3, 2)
    plain.build(x.shape)
    layer.build(x.shape)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(layer(x)), np.asarray(plain(x)), rtol=1e-6)
    trained = np.asarray(layer(x, training=True))
    assert trained.shape == (2, 5, 3)
    assert not np.allclose(trained, np.asarray(plain(x)))


def test_errors():
    layer = keras.layers.ConvLSTM2D(2, 3)
    with pytest.raises(ValueError, match="static input shapes for the spatial dimension"):
        keras.Sequential([keras.Input((4, None, 5, 2)), layer])
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', got 'causal'"):
        keras.layers.ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="kernel_size"):
        keras.layers.ConvLSTM2D(2, (3, 3, 3))
