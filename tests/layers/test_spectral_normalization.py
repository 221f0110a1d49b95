"""SpectralNormalization and Wrapper against Keras 3: the normalised kernel, `vector_u`
and outputs after training calls, inference unchanged, configs, a model that trains."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _pair(make, shape, seed=0):
    rng = np.random.default_rng(seed)
    ref, mine = make(keras.layers), make(lamina.layers)
    ref.build(shape)
    mine.build(shape)
    weights = [rng.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(weights)
    mine.set_weights(weights)
    return ref, mine, rng.normal(size=shape).astype("float32")


@pytest.mark.parametrize("make,shape", [
    (lambda ns: ns.SpectralNormalization(ns.Dense(4), power_iterations=2), (3, 5)),
    (lambda ns: ns.SpectralNormalization(ns.Conv2D(3, 2)), (2, 5, 5, 2)),
    (lambda ns: ns.SpectralNormalization(ns.Embedding(6, 3)), (2, 4)),
])
def test_training_calls_match_keras(make, shape):
    ref, mine, x = _pair(make, shape)
    if "embedding" in ref.layer.name:
        x = np.abs(x * 2).astype("int32") % 6
    for _ in range(2):  # u keeps moving between calls
        np.testing.assert_allclose(np.asarray(mine(x, training=True)),
                                   np.asarray(ref(x, training=True)), rtol=1e-5, atol=1e-5)
    for got, want in zip(mine.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    sigma = np.linalg.svd(mine.get_weights()[0].reshape(-1, mine.kernel_shape[-1]),
                          compute_uv=False)[0]
    assert sigma == pytest.approx(1.0, abs=0.1)  # the kernel now has spectral norm ~1
    before = mine.get_weights()
    np.testing.assert_allclose(np.asarray(mine(x)), np.asarray(ref(x)), rtol=1e-5, atol=1e-5)
    for a, b in zip(before, mine.get_weights()):
        np.testing.assert_array_equal(a, b)  # inference leaves the weights alone


def test_config_round_trips_and_matches_keras():
    mine = lamina.layers.SpectralNormalization(lamina.layers.Dense(2), power_iterations=3)
    ref = keras.layers.SpectralNormalization(keras.layers.Dense(2), power_iterations=3)
    config = mine.get_config()
    assert sorted(config) == sorted(ref.get_config())
    clone = lamina.layers.SpectralNormalization.from_config(config)
    assert clone.power_iterations == 3 and isinstance(clone.layer, lamina.layers.Dense)
    assert clone.layer.units == 2


def test_bad_arguments():
    with pytest.raises(ValueError, match="power_iterations=0"):
        lamina.layers.SpectralNormalization(lamina.layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="Wrapper isn't a supported layer"):
        lamina.layers.Wrapper("dense")
    layer = lamina.layers.SpectralNormalization(lamina.layers.Flatten())
    with pytest.raises(ValueError, match="Flatten object has no attribute 'kernel' nor"):
        layer.build((2, 3))


def test_model_with_spectral_normalization_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = x @ rng.normal(size=(4, 1)).astype("float32")
    model = lamina.Sequential([lamina.Input((4,)),
                               lamina.layers.SpectralNormalization(lamina.layers.Dense(8)),
                               lamina.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
