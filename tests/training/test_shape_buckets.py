"""Inference requests of every size share a bounded number of compilations."""

import numpy as np
import pytest
from jax import monitoring

import lamina as keras
from lamina.training.shape_buckets import bucket_rows, windows

_COMPILES = [0]
monitoring.register_event_duration_secs_listener(
    lambda event, secs, **kw: _COMPILES.__setitem__(
        0, _COMPILES[0] + (event == "/jax/core/compile/backend_compile_duration")))


def test_bucket_sizes_and_windows():
    assert [bucket_rows(n) for n in (1, 2, 3, 5, 32, 33, 300)] == [1, 2, 4, 8, 32, 64, 512]
    assert windows(0) == [] and windows(39) == [32, 4, 2, 1]
    assert windows(130) == [64, 64, 2]
    assert sum(windows(1000)) == 1000


def _model():
    m = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(3)])
    return m


def test_predict_on_every_size_compiles_a_bounded_number_of_times():
    m = _model()
    x = np.random.default_rng(0).normal(size=(300, 20)).astype("float32")
    expected = np.asarray(m(x))  # one batch, no padding
    m.predict(x, verbose=0)
    before = _COMPILES[0]
    for n in range(1, 301):
        np.testing.assert_allclose(m.predict(x[:n], verbose=0), expected[:n],
                                   rtol=1e-5, atol=1e-6)
    assert _COMPILES[0] - before <= 40  # Keras 3 compiles 31 times here
    before = _COMPILES[0]
    for _ in range(200):
        m.predict(x[:37], verbose=0)
    assert _COMPILES[0] == before


def test_model_call_and_predict_on_batch_are_bucketed_too():
    m = _model()
    x = np.random.default_rng(1).normal(size=(70, 20)).astype("float32")
    expected = np.asarray(m(x))
    m(x[:1]), m.predict_on_batch(x[:1])
    before = _COMPILES[0]
    for n in range(33, 65):  # one bucket: 64 rows
        out = m(x[:n])
        assert out.shape == (n, 3)
        np.testing.assert_allclose(np.asarray(out), expected[:n], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(m.predict_on_batch(x[:n]), expected[:n], rtol=1e-5,
                                   atol=1e-6)
    assert _COMPILES[0] - before <= 4


def test_models_whose_rows_interact_are_not_padded():
    inputs = keras.Input((4,))
    # A Lambda may mix rows (here: subtract the batch mean): padding would change it.
    outputs = keras.layers.Lambda(lambda t: t - keras.ops.mean(t, axis=0))(inputs)
    m = keras.Model(inputs, outputs)
    x = np.arange(12, dtype="float32").reshape(3, 4)
    np.testing.assert_allclose(m.predict(x, verbose=0), x - x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(m(x)), x - x.mean(0), rtol=1e-6)


def test_bucketing_can_be_turned_off():
    m = _model()
    x = np.random.default_rng(2).normal(size=(10, 20)).astype("float32")
    keras.config.disable_shape_bucketing()
    try:
        assert not keras.config.is_shape_bucketing_enabled()
        m.predict(x[:5], verbose=0)
        before = _COMPILES[0]
        m.predict(x[:6], verbose=0)  # a new size compiles again
        assert _COMPILES[0] > before
    finally:
        keras.config.enable_shape_bucketing()


def test_evaluate_on_many_lengths_shares_compiled_loops():
    m = _model()
    m.compile("sgd", "mse", metrics=["mae"])
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 20)).astype("float32")
    y = rng.normal(size=(200, 3)).astype("float32")
    m.evaluate(x[:64], y[:64], batch_size=16, verbose=0)
    before = _COMPILES[0]
    for n in range(65, 129, 16):  # full batches only: 65..128 rows pad to 128
        logs = m.evaluate(x[:n - n % 16], y[:n - n % 16], batch_size=16, verbose=0,
                          return_dict=True)
        pred = np.asarray(m(x[:n - n % 16]))
        np.testing.assert_allclose(logs["loss"], np.mean((pred - y[:n - n % 16]) ** 2),
                                   rtol=1e-5)
    # The 128-row evaluation loop, and model(x) for the 64- and 128-row buckets.
    assert _COMPILES[0] - before <= 3
