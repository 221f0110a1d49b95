"""EarlyStopping and ReduceLROnPlateau: decisions equal Keras 3's on the same logs; real fits
stop after patience + 1 epochs, restore the best weights exactly, change the learning rate."""

import os
import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb


@pytest.fixture(scope="module")
def keras3():
    os.environ["KERAS_BACKEND"] = "jax"
    return pytest.importorskip("keras")


class FakeOptimizer:
    def __init__(self, lr):
        self.learning_rate = lr


class FakeModel:
    """Enough of a model for the monitor callbacks: weights are the epoch index."""

    def __init__(self):
        self.stop_training = False
        self.optimizer = FakeOptimizer(1.0)
        self.weights = [np.zeros(2)]
        self.metrics = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def drive(callback, series, key="val_loss"):
    """Feed one value per epoch; returns (epochs run, lr after each epoch, final weights)."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin({})
    lrs = []
    epochs = 0
    for epoch, value in enumerate(series):
        model.weights = [np.full(2, float(epoch))]
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, {key: value, "loss": 0.5})
        lrs.append(float(model.optimizer.learning_rate))
        epochs += 1
        if model.stop_training:
            break
    callback.on_train_end({})
    return epochs, lrs, model.weights[0][0]


SERIES = [
    [1.0, 0.9, 0.95, 0.91, 0.92, 0.8, 0.85, 0.86, 0.87, 0.88],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    [0.3, 0.4, 0.2, 0.2001, 0.19, 0.5, 0.6, 0.1, 0.7, 0.7, 0.7],
    [2.0, 1.0, 0.5, 0.25, 0.125, 0.1, 0.099, 0.0989, 0.0988],
]
EARLY_CONFIGS = [
    dict(patience=0), dict(patience=2), dict(patience=3, min_delta=0.05),
    dict(patience=2, restore_best_weights=True), dict(patience=1, baseline=0.15),
    dict(patience=2, start_from_epoch=3, restore_best_weights=True),
    dict(patience=2, mode="max"),
]


@pytest.mark.parametrize("config", EARLY_CONFIGS, ids=str)
def test_early_stopping_decisions_match_keras(keras3, config):
    for series in SERIES:
        ours = lcb.EarlyStopping(**config)
        theirs = keras3.callbacks.EarlyStopping(**config)
        assert drive(ours, series) == drive(theirs, series), series
        assert (ours.stopped_epoch, ours.best_epoch, ours.wait) == (
            theirs.stopped_epoch, theirs.best_epoch, theirs.wait)


PLATEAU_CONFIGS = [
    dict(patience=1, factor=0.5), dict(patience=2, factor=0.1, cooldown=1),
    dict(patience=1, factor=0.5, min_lr=0.3), dict(patience=0, factor=0.5, min_delta=0.05),
    dict(patience=1, factor=0.2, mode="max", cooldown=2),
]


@pytest.mark.parametrize("config", PLATEAU_CONFIGS, ids=str)
def test_reduce_lr_on_plateau_decisions_match_keras(keras3, config):
    for series in SERIES:
        ours = drive(lcb.ReduceLROnPlateau(**config), series)
        theirs = drive(keras3.callbacks.ReduceLROnPlateau(**config), series)
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-7)


def _mlp(lr):
    model = lamina.Sequential([lamina.Input((6,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.Dense(3, activation="softmax")])
    model.compile(lamina.optimizers.RMSprop(lr), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (x[:, 1] > 1).astype("int32")


def test_stops_after_patience_plus_one_epochs_when_nothing_can_improve():
    x, y = _data()
    model = _mlp(0.0)  # learning rate 0: val_accuracy never changes
    stop = lcb.EarlyStopping(monitor="val_accuracy", patience=2)
    history = model.fit(x, y, epochs=10, validation_data=(x, y), callbacks=[stop], verbose=0)
    assert len(history.history["loss"]) == 3 and history.epoch == [0, 1, 2]
    assert stop.stopped_epoch == 2


def test_restore_best_weights_restores_the_best_epoch_exactly():
    lamina.utils.set_random_seed(1)
    x, y = _data()
    vx, _ = _data(64, seed=1)
    vy = np.random.default_rng(2).integers(0, 3, 64)  # noise: val_loss soon rises
    model = _mlp(0.05)
    snapshots = []
    keep = lcb.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        model.get_weights()))
    stop = lcb.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True,
                             verbose=0)
    history = model.fit(x, y, epochs=12, batch_size=16, validation_data=(vx, vy),
                        callbacks=[keep, stop], verbose=0)
    best = int(np.argmin(history.history["val_loss"]))
    assert stop.best_epoch == best
    assert len(history.epoch) > best + 1  # the best weights were not the last ones
    for restored, kept in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(restored, kept)
    np.testing.assert_allclose(model.evaluate(vx, vy, verbose=0)[0],
                               history.history["val_loss"][best], rtol=1e-6)


def test_missing_monitor_warns_once_and_training_continues():
    x, y = _data()
    model = _mlp(0.01)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, epochs=4, callbacks=[
            lcb.EarlyStopping(monitor="val_loss", patience=0),
            lcb.ReduceLROnPlateau(monitor="val_acuracy", patience=0)], verbose=0)
    messages = [str(w.message) for w in caught]
    assert len(history.epoch) == 4
    assert sum("`val_loss` which is not available" in m for m in messages) == 1
    assert sum("`val_acuracy` which is not available" in m for m in messages) == 1
    assert "Available metrics are: loss,accuracy" in messages[0]


def test_auto_mode_uses_metric_direction_and_rejects_unknown():
    assert drive(lcb.EarlyStopping(monitor="val_accuracy", patience=0), [0.5, 0.6, 0.55],
                 key="val_accuracy")[0] == 3
    with pytest.raises(ValueError, match="mode='max'"):
        drive(lcb.EarlyStopping(monitor="val_wobble"), [1.0, 2.0], key="val_wobble")


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    x, y = _data()
    model = _mlp(0.5)
    schedule = lambda epoch, lr: 0.1 * 0.5 ** epoch  # noqa: E731
    seen = []
    check = lcb.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        model.optimizer.learning_rate))
    history = model.fit(x, y, epochs=4, callbacks=[lcb.LearningRateScheduler(schedule), check],
                        verbose=0)
    np.testing.assert_allclose(seen, [schedule(e, None) for e in range(4)], rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"], seen)
    # The one-argument form, and a rate of 0 really freezes the weights for that epoch.
    before = []
    grab = lcb.LambdaCallback(on_epoch_begin=lambda e, logs: before.append(model.get_weights()))
    model.fit(x, y, epochs=2, callbacks=[lcb.LearningRateScheduler(lambda e: [0.0, 0.1][e]),
                                        grab], verbose=0)
    for a, b in zip(before[0], before[1]):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(before[1], model.get_weights()))
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(x, y, epochs=1, callbacks=[lcb.LearningRateScheduler(lambda e: "fast")],
                  verbose=0)


def test_reduce_lr_on_plateau_halves_the_rate_when_the_monitor_stalls():
    x, y = _data()
    model = _mlp(0.008)
    seen = []
    check = lcb.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(
        model.optimizer.learning_rate))
    # min_delta=100: no epoch counts as an improvement, so the rate halves every epoch.
    history = model.fit(x, y, epochs=5, callbacks=[
        lcb.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=100.0), check],
        verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.008, 0.008, 0.004, 0.002, 0.001], rtol=1e-6)
    np.testing.assert_allclose(seen, [0.008, 0.004, 0.002, 0.001, 0.0005], rtol=1e-6)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        lcb.ReduceLROnPlateau(factor=2.0)


def test_terminate_on_nan_stops_within_the_first_epoch():
    x, y = _data()
    x = x.copy()
    x[40] = np.inf
    model = _mlp(0.01)
    batches = []
    log = lcb.LambdaCallback(on_epoch_end=lambda e, logs: batches.append(e))
    history = model.fit(x, y, epochs=5, batch_size=8, callbacks=[lcb.TerminateOnNaN(), log],
                        verbose=0, shuffle=False)
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])
    # Keras stops right after the bad batch (rows 40..47 are batch 5), mid-epoch.
    assert int(model.optimizer.iterations.numpy()) == 6
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        _mlp(0.01).fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False,
                       callbacks=[lcb.TerminateOnNaN(raise_error=True)])
