"""Pipeline against Keras 3: layers applied in order, `training` reaching random layers
(True by default), masks passed along, configs both ways."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _layers(ns):
    return [ns.layers.Rescaling(0.5, offset=1.0), ns.layers.CenterCrop(2, 3),
            ns.layers.Rescaling(2.0, offset=-0.5)]


def test_deterministic_pipeline_matches_keras():
    x = np.random.default_rng(0).normal(size=(2, 4, 5, 3)).astype("float32")
    got = lamina.layers.Pipeline(_layers(lamina))(x)
    want = keras.layers.Pipeline(_layers(keras))(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)
    symbolic = lamina.layers.Pipeline(_layers(lamina))(lamina.Input((4, 5, 3)))
    assert tuple(symbolic.shape) == (None, 2, 3, 3)


def test_training_defaults_to_true_and_can_be_turned_off():
    x = np.ones((3, 8), "float32")
    pipe = lamina.layers.Pipeline([lamina.layers.Dropout(0.5, seed=1)])
    assert np.any(np.asarray(pipe(x)) == 0)  # dropout ran
    np.testing.assert_array_equal(np.asarray(pipe(x, training=False)), x)


def test_mask_reaches_the_next_layer():
    ids = np.array([[3, 1, 0, 0]], "int32")
    embed = lamina.layers.Embedding(5, 2, mask_zero=True)
    pipe = lamina.layers.Pipeline([embed, lamina.layers.GlobalAveragePooling1D()])
    vectors = np.asarray(embed(ids))
    np.testing.assert_allclose(np.asarray(pipe(ids)), vectors[:, :2].mean(1), rtol=1e-6)


def test_config_round_trips_and_reads_keras():
    config = lamina.layers.Pipeline(_layers(lamina), name="prep").get_config()
    assert sorted(config) == sorted(keras.layers.Pipeline(_layers(keras)).get_config())
    clone = lamina.layers.Pipeline.from_config(config)
    assert [type(l).__name__ for l in clone.layers] == ["Rescaling", "CenterCrop", "Rescaling"]
    from_keras = lamina.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(keras.layers.Pipeline(_layers(keras))))
    assert isinstance(from_keras, lamina.layers.Pipeline) and len(from_keras.layers) == 3
    with pytest.raises(ValueError, match="`layers` key"):
        lamina.layers.Pipeline.from_config({"name": "p"})
