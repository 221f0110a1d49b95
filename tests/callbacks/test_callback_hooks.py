"""Callback hooks: order, counts and logs of fit/evaluate/predict against Keras 3; the note's
custom callbacks; CallbackList and LambdaCallback."""

import os
import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import callbacks_demo  # noqa: E402

HOOKS = ["on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
         "on_predict_batch_begin", "on_predict_batch_end"]


def recorder_class(base):
    """A callback class (on `base`, lamina's or Keras's Callback) that records every hook:
    (hook, index?, sorted log keys, types of the values)."""

    def make(name):
        indexed = "batch" in name or "epoch" in name

        def hook(self, *args, logs=None):
            index, rest = (args[0], args[1:]) if indexed else (None, args)
            if logs is None and rest:
                logs = rest[0]
            desc = tuple(sorted((k, type(v).__name__) for k, v in (logs or {}).items()))
            self.calls.append((name, index, desc) if indexed else (name, desc))
        return hook

    def __init__(self):
        base.__init__(self)
        self.calls = []

    ns = {"__init__": __init__}
    ns.update({name: make(name) for name in HOOKS})
    return type("Recorder", (base,), ns)


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((50, 4)).astype("float32")
    y = (x.sum(1) > 2).astype("int32")
    return x, y


def _run(keras):
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rec = recorder_class(keras.callbacks.Callback)()
    out = {}
    model.fit(x, y, batch_size=16, epochs=2, validation_data=(x[:20], y[:20]), callbacks=[rec],
              verbose=0)
    out["fit"], out["fit_params"], rec.calls = rec.calls, dict(rec.params), []
    model.evaluate(x, y, batch_size=32, callbacks=[rec], verbose=0)
    out["evaluate"], rec.calls = rec.calls, []
    model.predict(x, batch_size=32, callbacks=[rec], verbose=0)
    out["predict"], out["predict_params"] = rec.calls, dict(rec.params)
    return out


@pytest.fixture(scope="module")
def keras3():
    os.environ["KERAS_BACKEND"] = "jax"
    return pytest.importorskip("keras")


def test_hook_order_counts_and_logs_match_keras(keras3):
    ours, theirs = _run(lamina), _run(keras3)
    for part in ("fit", "evaluate", "predict", "fit_params", "predict_params"):
        assert ours[part] == theirs[part], part
    # 2 epochs x (4 train + 2 validation batches), each with begin and end.
    names = [c[0] for c in ours["fit"]]
    assert names.count("on_train_batch_end") == 8 and names.count("on_test_batch_end") == 4
    assert ("on_predict_batch_end", 1, (("outputs", "ndarray"),)) in ours["predict"]


def test_on_batch_aliases_and_default_logs():
    x, y = _data()
    seen = []

    class Old(lcb.Callback):  # the note's hook names
        def on_batch_begin(self, batch, logs):
            seen.append(("begin", batch, logs))

        def on_batch_end(self, batch, logs):
            seen.append(("end", batch, sorted(logs)))

    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=10, epochs=1, callbacks=[Old()], verbose=0)
    assert [s[:2] for s in seen] == [(k, b) for b in range(5) for k in ("begin", "end")]
    assert seen[0][2] == {} and seen[1][2] == ["accuracy", "loss"]


def test_note_loss_history_runs_verbatim(tmp_path, monkeypatch):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    monkeypatch.chdir(tmp_path)
    keras = lamina
    LossHistory = callbacks_demo.loss_history_class(plt)  # the note's code, as written
    points = []
    original = plt.plot

    def spy(xs, ys, **kw):
        points.append(list(ys))
        return original(xs, ys, **kw)

    monkeypatch.setattr(plt, "plot", spy)
    x, y = _data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=8, epochs=3, callbacks=[LossHistory()], verbose=0)
    assert sorted(os.listdir(tmp_path)) == [f"plot_at_epoch_{e}.png" for e in range(3)]
    assert [len(p) for p in points] == [7, 7, 7]  # one point per batch (50 / 8 -> 7 batches)
    assert all(isinstance(v, float) and np.isfinite(v) for p in points for v in p)


def test_batch_hooks_see_every_batch_loss_exactly():
    """Chunked steps deliver the same per-batch losses as one compiled call per step."""
    x, y = _data()

    def per_batch(steps_per_execution):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(8, activation="relu"),
                                   lamina.layers.Dense(2, activation="softmax")])
        model.compile("rmsprop", "sparse_categorical_crossentropy",
                      steps_per_execution=steps_per_execution)
        losses = []
        cb = lcb.LambdaCallback(on_train_batch_end=lambda b, logs: losses.append(logs["loss"]))
        model.fit(x, y, batch_size=4, epochs=2, callbacks=[cb], verbose=0)
        return losses

    chunked, single = per_batch("auto"), per_batch(1)
    assert len(chunked) == 2 * 13
    np.testing.assert_allclose(chunked, single, rtol=1e-6)


def test_callback_list_defaults_and_params():
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
    stop = lcb.EarlyStopping()
    cbs = lcb.CallbackList([stop], add_history=True, add_progbar=True, model=model,
                           verbose=1, epochs=3, steps=7)
    assert [type(c).__name__ for c in cbs.callbacks] == ["EarlyStopping", "History",
                                                         "ProgbarLogger"]
    assert stop.model is model and stop.params == {"verbose": 1, "epochs": 3, "steps": 7}
    with pytest.raises(TypeError, match="Callback instances"):
        lcb.CallbackList([lambda: None])


def test_lambda_callback_hooks_and_batch_detection():
    x, y = _data()
    events = []
    cb = lcb.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: events.append(("epoch", epoch)),
        on_train_end=lambda logs: events.append(("end", sorted(logs))),
        on_test_end=lambda logs: events.append(("test_end", sorted(logs))))
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, validation_data=(x, y), callbacks=[cb], verbose=0)
    assert events == [("epoch", 0), ("test_end", ["loss"]), ("epoch", 1), ("test_end", ["loss"]),
                      ("end", ["loss", "val_loss"])]
    # Only a LambdaCallback given batch functions is treated as a batch consumer.
    every, _ = lcb.CallbackList([cb]).batch_consumers("train")
    assert every == []
    batchy = lcb.LambdaCallback(on_train_batch_end=lambda b, logs: None)
    assert lcb.CallbackList([batchy]).batch_consumers("train")[0] == [batchy]


def test_epoch_only_callbacks_are_not_batch_consumers(tmp_path):
    cbs = lcb.CallbackList([
        lcb.EarlyStopping(), lcb.ModelCheckpoint(str(tmp_path / "m.keras")),
        lcb.CSVLogger(str(tmp_path / "log.csv")), lcb.TensorBoard(str(tmp_path / "tb")),
        lcb.LearningRateScheduler(lambda e: 0.1), lcb.ReduceLROnPlateau(),
        lcb.BackupAndRestore(str(tmp_path / "backup")), lcb.History()])
    for mode in ("train", "test", "predict"):
        assert cbs.batch_consumers(mode) == ([], []), mode
    batchy = lcb.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=5)
    assert lcb.CallbackList([batchy]).batch_consumers("train") == ([], [batchy])


def test_import_lamina_does_not_import_tensorboardx_or_matplotlib():
    code = ("import sys, lamina, lamina.callbacks, lamina.utils; "
            "print('tensorboardX' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


def test_progress_line_shows_validation_metrics_with_batch_callbacks(capsys):
    x, y = _data()
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    batchy = lcb.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    model.fit(x, y, batch_size=10, epochs=2, validation_data=(x, y), callbacks=[batchy],
              verbose=2)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("5/5")]
    assert len(lines) == 2 and all("val_loss" in l and "val_accuracy" in l for l in lines)


def test_fit_returns_this_fits_history_even_with_no_epochs():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile(loss="mse")
    x, y = np.zeros((8, 3), "float32"), np.zeros((8, 1), "float32")
    first = model.fit(x, y, epochs=1, verbose=0)
    for kw in ({"epochs": 0}, {"epochs": 2, "initial_epoch": 2}):
        history = model.fit(x, y, verbose=0, **kw)
        assert history is not first and history is model.history
        assert history.history == {} and history.epoch == []
