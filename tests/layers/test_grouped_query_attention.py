"""GroupQueryAttention against Keras 3: outputs and scores with the same weights, masks
(causal, padding, sliding window, explicit), the gate, configs and bad head counts."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 4, 6)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")
MASK = RNG.random((2, 4, 5)) > 0.3


def _pair(**kwargs):
    ref = keras.layers.GroupQueryAttention(3, 4, 2, **kwargs)
    mine = lamina.layers.GroupQueryAttention(3, 4, 2, **kwargs)
    ref.build(Q.shape, V.shape)
    mine.build(Q.shape, V.shape)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(weights)
    mine.set_weights(weights)
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in weights]
    return ref, mine


@pytest.mark.parametrize("layer_kwargs,call_kwargs", [
    ({}, {}),
    ({}, {"use_causal_mask": True, "value": Q}),
    ({"use_bias": False, "use_gate": True}, {"attention_mask": MASK}),
    ({"sliding_window": 2}, {"return_attention_scores": True, "value": Q}),
    ({}, {"attention_mask": MASK, "return_attention_scores": True}),
])
def test_matches_keras(layer_kwargs, call_kwargs):
    ref, mine = _pair(**layer_kwargs)
    call_kwargs = {"value": V, **call_kwargs}
    got, want = mine(Q, **call_kwargs), ref(Q, **call_kwargs)
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-5, atol=1e-5)


def test_symbolic_shapes_and_config():
    mine = lamina.layers.GroupQueryAttention(3, 4, 2, dropout=0.1, seed=1)
    ref = keras.layers.GroupQueryAttention(3, 4, 2, dropout=0.1, seed=1)
    q, v = lamina.Input((4, 6)), lamina.Input((5, 6))
    out, scores = mine(q, v, return_attention_scores=True)
    assert tuple(out.shape) == (None, 4, 6) and tuple(scores.shape) == (None, 4, 4, 5)
    config = mine.get_config()
    assert sorted(config) == sorted(ref.get_config())
    clone = lamina.layers.GroupQueryAttention.from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}
    from_keras = lamina.saving.deserialize_keras_object(keras.saving.serialize_keras_object(ref))
    assert isinstance(from_keras, lamina.layers.GroupQueryAttention)
    assert from_keras.num_key_value_heads == 2 and from_keras.dropout == 0.1


def test_bad_head_counts():
    with pytest.raises(ValueError, match="GroupedQueryAttention.*divisible.*num_query_heads=5"):
        lamina.layers.GroupQueryAttention(3, 5, 2)
    with pytest.raises(ValueError, match="GroupedQueryAttention.*num_key_value_heads.*0"):
        lamina.layers.GroupQueryAttention(3, 4, 0)
