"""Freezing as in the transfer-learning guide: a frozen model still fits (its loss is
reported, nothing changes), a frozen base under a new head trains only the head."""

import numpy as np
import pytest

import lamina
from lamina import layers

real_keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")


def _model(k):
    return k.Sequential([k.Input((4,)), k.layers.Dense(3, kernel_initializer="ones"),
                         k.layers.BatchNormalization(), k.layers.Dense(1, kernel_initializer="ones")])


def test_fit_of_a_fully_frozen_model_reports_the_loss_and_changes_nothing():
    losses = []
    for k in (lamina, real_keras):
        model = _model(k)
        model.trainable = False
        model.compile(optimizer=k.optimizers.SGD(0.1), loss="mse")
        before = model.get_weights()
        history = model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
        for a, b in zip(before, model.get_weights()):
            np.testing.assert_array_equal(a, b)
        losses.append(history.history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    expected = np.mean((X.sum(1, keepdims=True) * 3 / np.sqrt(1 + 1e-3) - Y) ** 2)
    np.testing.assert_allclose(losses[0][0], expected, rtol=1e-5)


def test_frozen_base_new_head_trains_only_the_head():
    results = []
    for k in (lamina, real_keras):
        base = _model(k)
        base.trainable = False
        inputs = k.Input((4,))
        outputs = k.layers.Dense(2, kernel_initializer="ones", name="head")(base(inputs, training=False))
        model = k.Model(inputs, outputs)
        assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]
        model.compile(optimizer=k.optimizers.SGD(0.05), loss="mse")
        frozen = base.get_weights()
        model.fit(X, np.repeat(Y, 2, 1), epochs=2, batch_size=8, verbose=0, shuffle=False)
        for a, b in zip(frozen, base.get_weights()):
            np.testing.assert_array_equal(a, b)
        results.append(model.get_layer("head").get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
