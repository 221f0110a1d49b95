"""Attention and AdditiveAttention against Keras 3: scores, masks, causal, configs, errors."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((2, 3, 4)).astype("float32")
V = RNG.standard_normal((2, 5, 4)).astype("float32")
K = RNG.standard_normal((2, 5, 4)).astype("float32")
Q_MASK = np.array([[1, 1, 0], [1, 0, 1]], bool)
V_MASK = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], bool)

CALLS = [
    ([Q, V], None, {}),
    ([Q, V, K], [Q_MASK, V_MASK], {"return_attention_scores": True}),
    ([Q, V], [None, V_MASK], {"use_causal_mask": True}),
]


@pytest.mark.parametrize("name,kwargs", [
    ("Attention", {}), ("Attention", {"use_scale": True}),
    ("Attention", {"score_mode": "concat", "use_scale": True}),
    ("AdditiveAttention", {}), ("AdditiveAttention", {"use_scale": False}),
])
def test_matches_keras(name, kwargs):
    ours, theirs = getattr(layers, name)(**kwargs), getattr(real_keras.layers, name)(**kwargs)
    theirs.build([Q.shape, V.shape])
    ours.build([Q.shape, V.shape])
    weights = [RNG.standard_normal(w.shape).astype("float32") for w in theirs.weights]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    assert [w.path.split("/")[-1] for w in ours.weights] == [w.path.split("/")[-1] for w in theirs.weights]
    for inputs, mask, call_kwargs in CALLS:
        got, expected = ours(inputs, mask=mask, **call_kwargs), theirs(inputs, mask=mask, **call_kwargs)
        got = got if isinstance(got, tuple) else (got,)
        expected = expected if isinstance(expected, tuple) else (expected,)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, atol=1e-5)


def test_masks_from_embeddings_in_a_model_like_keras():
    def build(lib):
        q_in, v_in = lib.Input((3,), dtype="int32"), lib.Input((5,), dtype="int32")
        q = lib.layers.Embedding(9, 4, mask_zero=True)(q_in)
        v = lib.layers.Embedding(9, 4, mask_zero=True)(v_in)
        out = lib.layers.Attention()([q, v])
        return lib.Model([q_in, v_in], lib.layers.GlobalAveragePooling1D()(out))

    ours, theirs = build(keras), build(real_keras)
    ours.set_weights(theirs.get_weights())
    data = [np.array([[1, 2, 0], [3, 0, 0]]), np.array([[4, 5, 6, 0, 0], [7, 8, 0, 0, 0]])]
    np.testing.assert_allclose(ours(data), theirs(data), atol=1e-5)


def test_shapes_masks_config_and_errors():
    q, v = keras.Input((3, 4)), keras.Input((5, 4))
    out, scores = layers.Attention()([q, v], return_attention_scores=True)
    assert out.shape == (None, 3, 4) and scores.shape == (None, 3, 5)
    tokens = keras.Input((3,), dtype="int32")
    emb = layers.Embedding(5, 4, mask_zero=True)(tokens)
    assert layers.Attention()([emb, v])._keras_mask.shape == (None, 3)
    for cls in (layers.Attention, layers.AdditiveAttention):
        layer = cls(dropout=0.1, seed=2, name="att")
        config = layer.get_config()
        assert cls.from_config(config).get_config() == config
    assert "score_mode" not in layers.AdditiveAttention().get_config()
    assert layers.Attention(score_mode="concat").get_config()["score_mode"] == "concat"
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
    with pytest.raises(ValueError, match="list"):
        layers.Attention()(Q)
    with pytest.raises(ValueError, match="mask must be a list"):
        layers.Attention()([Q, V], mask=Q_MASK)


def test_dropout_only_in_training():
    layer = layers.Attention(dropout=0.5, seed=1)
    plain = np.asarray(layer([Q, V]))
    np.testing.assert_allclose(layer([Q, V], training=False), plain)
    assert not np.allclose(layer([Q, V], training=True), plain)
