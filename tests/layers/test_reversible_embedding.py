"""ReversibleEmbedding against Keras 3: forward lookup and mask, reverse logits (tied and
untied weights, soft cap, reverse dtype), symbolic shapes, configs."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs", [
    {},
    {"tie_weights": False, "logit_soft_cap": 2.0},
    {"reverse_dtype": "float16", "mask_zero": True},
])
def test_matches_keras(kwargs):
    rng = np.random.default_rng(0)
    ref = keras.layers.ReversibleEmbedding(7, 4, **kwargs)
    mine = lamina.layers.ReversibleEmbedding(7, 4, **kwargs)
    ref.build((2, 3))
    mine.build((2, 3))
    weights = [rng.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(weights)
    mine.set_weights(weights)
    ids = np.array([[1, 0, 6], [3, 2, 0]], "int32")
    np.testing.assert_allclose(np.asarray(mine(ids)), np.asarray(ref(ids)), rtol=1e-6)
    hidden = rng.normal(size=(2, 3, 4)).astype("float32")
    got, want = np.asarray(mine(hidden, reverse=True)), np.asarray(ref(hidden, reverse=True))
    assert got.dtype == want.dtype and got.shape == (2, 3, 7)
    np.testing.assert_allclose(got.astype("float32"), want.astype("float32"), rtol=1e-3 if
                               kwargs.get("reverse_dtype") else 1e-5, atol=1e-5)
    if kwargs.get("mask_zero"):
        np.testing.assert_array_equal(np.asarray(mine.compute_mask(ids)), ids != 0)
    assert mine.compute_mask(hidden) is None
    assert mine.compute_output_shape((None, 3, 4), reverse=True) == (None, 3, 7)
    # The keys added to Embedding's config are Keras's (Embedding's own are tested there).
    added = set(mine.get_config()) - set(lamina.layers.Embedding(7, 4).get_config())
    assert added == set(ref.get_config()) - set(keras.layers.Embedding(7, 4).get_config())


def test_tied_model_round_trip():
    inputs = lamina.Input((5,), dtype="int32")
    embed = lamina.layers.ReversibleEmbedding(11, 6, name="tok")
    logits = embed(embed(inputs), reverse=True)
    assert tuple(logits.shape) == (None, 5, 11)
    model = lamina.Model(inputs, logits)
    assert len(model.weights) == 1  # tied: one matrix both ways
    config = embed.get_config()
    clone = lamina.layers.ReversibleEmbedding.from_config(config)
    assert clone.get_config() == {**config, "name": clone.name}
