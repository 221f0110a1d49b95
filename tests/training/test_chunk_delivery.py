"""Batch hooks see the model's state after their own batch, however they reach it, while
steps still run many to a compiled call; stops land at the batch that asked for them."""

import _thread
import threading
import time

import numpy as np
import pytest

import lamina as keras
from lamina.training import epoch_runner

X = np.random.default_rng(0).normal(size=(384, 8)).astype("float32")
Y = np.random.default_rng(1).normal(size=(384, 1)).astype("float32")


def _model(seed=0):
    rng = np.random.default_rng(seed)
    m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="tanh"),
                          keras.layers.Dense(1)])
    m.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in m.get_weights()])
    m.compile(keras.optimizers.Adam(0.05), "mse")
    return m


class _Counting:
    """Counts the compiled loop's calls (each chunk, and each re-run of one)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = epoch_runner.make_loop

        def make_loop(*args, **kw):
            loop = real(*args, **kw)

            def counted(*a):
                self.calls += 1
                return loop(*a)
            return counted

        monkeypatch.setattr(epoch_runner, "make_loop", make_loop)


def _step_by_step_kernel_sums():
    """The reference: one step per compiled call, a read after every batch."""
    m = _model()
    m.compile(keras.optimizers.Adam(0.05), "mse", steps_per_execution=1)
    seen = []
    cb = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(float(m.layers[0].kernel.numpy().sum())))
    m.fit(X, Y, batch_size=64, epochs=2, shuffle=False, verbose=0, callbacks=[cb])
    return seen


_GLOBAL_MODEL = None


def _probes(m):
    """Callbacks that read the first kernel's sum at each batch, reaching the model in
    different ways; each returns (callback, list of sums)."""
    global _GLOBAL_MODEL
    _GLOBAL_MODEL = m

    class UnderAnotherName(keras.callbacks.Callback):
        def __init__(self, net):
            super().__init__()
            self.net, self.seen = net, []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(float(self.net.get_weights()[0].sum()))

    class ThroughSelfModelLayers(keras.callbacks.Callback):
        seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(float(np.sum(self.model.layers[0].kernel)))

    class ThroughAGlobal(keras.callbacks.Callback):
        seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(float(_GLOBAL_MODEL.weights[0].numpy().sum()))

    closure_seen = []
    kernel = m.layers[0].kernel  # the Variable itself, kept in a closure
    in_closure = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: closure_seen.append(float(kernel.numpy().sum())))
    by_predict = []
    probe_x = X[:4]
    through_predict = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: by_predict.append(m.predict(probe_x, verbose=0)))
    a, b, c = UnderAnotherName(m), ThroughSelfModelLayers(), ThroughAGlobal()
    b.seen, c.seen = [], []
    return {"other_name": (a, a.seen), "self_model_layers": (b, b.seen),
            "global": (c, c.seen), "closure": (in_closure, closure_seen),
            "predict": (through_predict, by_predict)}


@pytest.mark.parametrize("how", ["other_name", "self_model_layers", "global", "closure"])
def test_a_hook_reading_the_weights_sees_its_own_batch(how):
    expected = _step_by_step_kernel_sums()
    m = _model()
    cb, seen = _probes(m)[how]
    m.fit(X, Y, batch_size=64, epochs=2, shuffle=False, verbose=0, callbacks=[cb])
    assert len(seen) == 12
    assert len(set(np.round(seen, 6))) == 12  # every batch's own value
    np.testing.assert_allclose(seen, expected, rtol=1e-6, atol=1e-6)


def test_predict_in_a_hook_uses_the_weights_of_that_batch():
    ref = _model()
    ref.compile(keras.optimizers.Adam(0.05), "mse", steps_per_execution=1)
    expected = []
    ref.fit(X, Y, batch_size=64, shuffle=False, verbose=0, callbacks=[
        keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: expected.append(
            ref.predict(X[:4], verbose=0)))])
    m = _model()
    cb, seen = _probes(m)["predict"]
    m.fit(X, Y, batch_size=64, shuffle=False, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(np.stack(seen), np.stack(expected), rtol=1e-5, atol=1e-6)


def test_reads_through_the_optimizer_and_metrics_are_per_batch():
    seen = {"iterations": [], "m": [], "loss": [], "logged": []}

    class Reader(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            opt = self.model.optimizer
            seen["iterations"].append(int(opt.iterations.numpy()))
            seen["m"].append(float(np.abs(opt.variables[2].numpy()).sum()))
            seen["loss"].append(float(self.model.metrics[0].result()))
            seen["logged"].append(logs["loss"])

    m = _model()
    m.fit(X, Y, batch_size=64, shuffle=False, verbose=0, callbacks=[Reader()])
    assert seen["iterations"] == [1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(seen["loss"], seen["logged"], rtol=1e-6)
    assert len(set(seen["m"])) == 6


def test_logs_only_callbacks_stay_fused(monkeypatch):
    counter = _Counting(monkeypatch)
    x = np.tile(X, (4, 1))  # 1536 rows: 192 batches of 8
    y = np.tile(Y, (4, 1))
    losses = []

    class LossHistory(keras.callbacks.Callback):  # the note's
        def on_train_begin(self, logs=None):
            self.per_batch = []

        def on_batch_end(self, batch, logs=None):
            losses.append(logs.get("loss"))

    m = _model()
    m.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[LossHistory()])
    assert len(losses) == 192
    # At most 64 steps a call (the per-step logs buffer), plus the short first call that
    # measures the step time: nowhere near one call per batch.
    assert counter.calls <= 192 // 64 + 2
    # A weight reader turns the same fit into one step per call after its first read.
    counter.calls = 0
    m = _model()
    cb, seen = _probes(m)["other_name"]
    m.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[cb])
    assert len(seen) == 192 and counter.calls >= 191


def test_a_hook_that_raises_leaves_the_weights_of_its_batch():
    class Boom(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 100:
                raise RuntimeError("stop here")

    x, y = np.tile(X, (5, 1))[:1600], np.tile(Y, (5, 1))[:1600]  # 200 batches of 8
    m = _model()
    with pytest.raises(RuntimeError, match="stop here"):
        m.fit(x, y, batch_size=8, shuffle=False, verbose=0, callbacks=[Boom()])
    ref = _model()
    ref.fit(x[:808], y[:808], batch_size=8, shuffle=False, verbose=0)  # 101 steps
    assert int(m.optimizer.iterations.numpy()) == 101
    for a, b in zip(m.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_terminate_on_nan_stops_at_the_first_bad_batch_like_keras(capsys):
    keras3 = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(640, 8)).astype("float32")
    y = rng.normal(size=(640, 1)).astype("float32") * 100
    results = {}
    for lib in (keras, keras3):
        m = lib.Sequential([lib.Input((8,)), lib.layers.Dense(16, activation="relu"),
                            lib.layers.Dense(1)])
        m.set_weights([np.random.default_rng(4).normal(0, 0.3, w.shape).astype("float32")
                       for w in m.get_weights()])
        m.compile(lib.optimizers.SGD(1e6), "mse")
        batches = []
        log = lib.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
        h = m.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0,
                  callbacks=[lib.callbacks.TerminateOnNaN(), log])
        results[lib] = (batches, h.history["loss"], capsys.readouterr().out)
    (b_lamina, loss_lamina, out_lamina), (b_keras, loss_keras, out_keras) = \
        results[keras], results[keras3]
    assert b_lamina == b_keras and len(b_lamina) < 80
    assert out_lamina.strip() == out_keras.strip()  # "Batch N: Invalid loss, ..."
    assert f"Batch {b_keras[-1]}:" in out_lamina
    np.testing.assert_allclose(loss_lamina, loss_keras, rtol=1e-4)  # the same inf/nan


EPOCHS = 2000


def test_ctrl_c_is_answered_within_a_second_on_a_long_epoch():
    rng = np.random.default_rng(5)
    n, bs = 4096 * 16, 16  # 4,096 steps, no batch callback
    x = rng.normal(size=(n, 32)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    m = keras.Sequential([keras.Input((32,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(256, activation="relu"), keras.layers.Dense(1)])
    m.compile("adam", "mse")
    # Compile for these arrays outside the clock (a compiled loop serves any chunk length;
    # 64 steps: long enough an epoch for the loop a 4,096-step epoch runs).
    m.fit(x, y, batch_size=bs, steps_per_epoch=64, verbose=0)
    sent = {}

    def interrupt():
        sent["at"] = time.perf_counter()
        _thread.interrupt_main()

    # One timer for the whole fit (a stray one would interrupt a later test).
    timer = threading.Timer(1.0, interrupt)
    start = keras.callbacks.LambdaCallback(on_train_begin=lambda logs: timer.start())
    before = int(m.optimizer.iterations.numpy())
    try:
        with pytest.raises(KeyboardInterrupt):
            # Far more epochs than the second before the interrupt can run: on a quiet machine
            # 20 epochs ended before the timer fired.
            m.fit(x, y, batch_size=bs, epochs=EPOCHS, shuffle=False, verbose=0,
                  callbacks=[start])
    finally:
        timer.cancel()
    answered = time.perf_counter() - sent["at"]
    assert answered < 1.0, answered
    # The model keeps the weights of a finished step.
    done = int(m.optimizer.iterations.numpy()) - before
    assert 0 < done < EPOCHS * 4096
    assert all(np.isfinite(w).all() for w in m.get_weights())


def test_no_module_name_or_bytecode_guessing_in_the_training_path():
    import inspect

    import lamina.callbacks.callback as callback_mod
    import lamina.training.chunk_delivery as delivery_mod
    import lamina.training.predictor as predictor_mod
    import lamina.training.trainer as trainer_mod

    for mod in (callback_mod, delivery_mod, epoch_runner, predictor_mod, trainer_mod):
        source = inspect.getsource(mod)
        for needle in ('startswith("lamina.', "__code__", "co_names", "co_freevars"):
            assert needle not in source, (mod.__name__, needle)
