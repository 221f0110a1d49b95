"""`keras.config.set_max_epochs` / `set_max_steps_per_epoch` cap fit, evaluate and
predict as in Keras 3 (same epochs run, same steps, same warnings)."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

X = np.random.default_rng(0).normal(size=(80, 3)).astype("float32")
Y = X.sum(axis=1, keepdims=True)


@pytest.fixture
def caps():
    yield
    for k in (keras, lamina):
        k.config.set_max_epochs(None)
        k.config.set_max_steps_per_epoch(None)


def _run(k):
    k.config.set_max_epochs(2)
    k.config.set_max_steps_per_epoch(3)
    assert (k.config.max_epochs(), k.config.max_steps_per_epoch()) == (2, 3)
    model = k.Sequential([k.Input((3,)), k.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="Limiting epochs to 2"):
        history = model.fit(X, Y, batch_size=8, epochs=5, verbose=0)
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        predictions = model.predict(X, batch_size=8, verbose=0)
    return len(history.history["loss"]), int(model.optimizer.iterations.numpy()), \
        predictions.shape


def test_caps_match_keras(caps):
    assert _run(lamina) == _run(keras) == (2, 6, (24, 1))


def test_larger_caps_change_nothing(caps):
    lamina.config.set_max_epochs(10)
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert int(model.optimizer.iterations.numpy()) == 20


@pytest.mark.parametrize("value", [0, -1, 2.5, "3"])
def test_bad_caps_are_refused(caps, value):
    with pytest.raises(ValueError, match="max_epochs"):
        lamina.config.set_max_epochs(value)
    with pytest.raises(ValueError, match="max_steps_per_epoch"):
        lamina.config.set_max_steps_per_epoch(value)
