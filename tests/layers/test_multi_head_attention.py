"""MultiHeadAttention against Keras 3: weights, masks, causal mask, axes, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((2, 4, 6)).astype("float32")
V = RNG.standard_normal((2, 5, 3)).astype("float32")
K = RNG.standard_normal((2, 5, 7)).astype("float32")
ATTENTION_MASK = RNG.random((2, 4, 5)) > 0.3


def _compare(kwargs, args, call_kwargs):
    theirs = real_keras.layers.MultiHeadAttention(**kwargs)
    expected = theirs(*args, **call_kwargs)
    ours = layers.MultiHeadAttention(**kwargs)
    ours.build(*[a.shape for a in args])
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    got = ours(*args, **call_kwargs)
    got = got if isinstance(got, tuple) else (got,)
    expected = expected if isinstance(expected, tuple) else (expected,)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5)
    return ours


@pytest.mark.parametrize("kwargs,args,call_kwargs", [
    ({"num_heads": 2, "key_dim": 3, "value_dim": 4, "output_shape": 5}, (Q, V, K),
     {"attention_mask": ATTENTION_MASK, "return_attention_scores": True}),
    ({"num_heads": 3, "key_dim": 2, "use_bias": False}, (Q, Q), {"use_causal_mask": True}),
    ({"num_heads": 2, "key_dim": 3, "use_gate": True, "sliding_window": 2}, (Q, Q), {}),
], ids=["value_dim-output_shape-mask-scores", "causal-nobias", "gate-window"])
def test_matches_keras(kwargs, args, call_kwargs):
    _compare(kwargs, args, call_kwargs)


def test_attention_axes_match_keras():
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    _compare({"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, (x, x), {})


def test_weight_names_like_keras():
    layer = _compare({"num_heads": 2, "key_dim": 3}, (Q, V), {"attention_mask": ATTENTION_MASK})
    names = [w.path.split("/", 1)[1] for w in layer.weights]
    assert names == ["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel",
                     "value/bias", "attention_output/kernel", "attention_output/bias"]
    assert layer.query_dense.kernel.shape == (6, 2, 3)
    assert layer.output_dense.kernel.shape == (2, 3, 6)


@pytest.mark.parametrize("return_scores", [False, True])
def test_keras_masks_and_causal_mask_in_a_model_like_keras(return_scores):
    tokens = np.array([[5, 3, 2, 0], [4, 0, 0, 0]], "int32")

    def build(lib):
        inp = lib.Input((4,), dtype="int32")
        x = lib.layers.Embedding(8, 6, mask_zero=True)(inp)
        out = lib.layers.MultiHeadAttention(2, 3)(x, x, use_causal_mask=True,
                                                  return_attention_scores=return_scores)
        if return_scores:  # Keras's explicit path: rows with every key masked give zeros
            return lib.Model(inp, out[0])
        return lib.Model(inp, lib.layers.LSTM(2)(out))  # the query's mask reaches the LSTM

    ours, theirs = build(keras), build(real_keras)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(tokens), theirs(tokens), atol=1e-5)


def test_symbolic_shapes_and_masks():
    q, v = keras.Input((4, 6)), keras.Input((5, 3))
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(7,))
    out, scores = mha(q, v, return_attention_scores=True)
    assert out.shape == (None, 4, 7) and scores.shape == (None, 2, 4, 5)
    assert mha.compute_output_shape((None, 4, 6), (None, 5, 3)) == (None, 4, 7)
    tokens = keras.Input((4,), dtype="int32")
    emb = layers.Embedding(5, 6, mask_zero=True)(tokens)
    assert layers.MultiHeadAttention(2, 3)(emb, v)._keras_mask.shape == (None, 4)


def test_dropout_config_and_errors():
    mha = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=1, attention_axes=1, name="mha")
    plain = np.asarray(mha(Q, V))
    np.testing.assert_allclose(mha(Q, V, training=False), plain, atol=1e-6)
    assert not np.allclose(mha(Q, V, training=True), plain)
    config = mha.get_config()
    theirs = real_keras.layers.MultiHeadAttention(2, 3, dropout=0.5, seed=1, name="mha").get_config()
    assert set(theirs) - {"dtype"} <= set(config)
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config and clone.num_heads == 2 and clone.key_dim == 3
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="key_dim"):
        layers.MultiHeadAttention(2, None)
    with pytest.raises(ValueError, match="every axis but the last"):
        layers.MultiHeadAttention(2, 3)(Q, V, RNG.standard_normal((2, 6, 3)).astype("float32"))
    with pytest.raises(ValueError, match="attention_axes"):
        layers.MultiHeadAttention(2, 3, attention_axes="time")


def test_keras_files_both_ways(tmp_path):
    def build(lib):
        inp = lib.Input((4, 6))
        return lib.Model(inp, lib.layers.MultiHeadAttention(2, 3, use_gate=True)(inp, inp))

    theirs = build(real_keras)
    theirs.save(tmp_path / "k.keras")
    ours = keras.models.load_model(tmp_path / "k.keras")
    np.testing.assert_allclose(ours(Q[:, :4]), theirs(Q[:, :4]), atol=1e-5)
    ours.save(tmp_path / "l.keras")
    again = real_keras.models.load_model(tmp_path / "l.keras")
    np.testing.assert_allclose(again(Q[:, :4]), theirs(Q[:, :4]), atol=1e-5)
