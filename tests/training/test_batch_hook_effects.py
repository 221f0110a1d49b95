"""What batch hooks do to training takes effect at that batch, as in Keras's step-by-step
loop, although lamina runs several steps per compiled call."""

import numpy as np
import pytest


def _run(lib, callback, x, y, **fit_kw):
    rng = np.random.default_rng(0)
    inputs = lib.Input((8,))
    model = lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(inputs))
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=10, verbose=0, shuffle=False, callbacks=[callback],
                        **fit_kw)
    return history.history, model.get_weights()


def _callbacks(lib):
    class Warmup(lib.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            self.model.optimizer.learning_rate = 0.05 * (batch + 1)

    class FreezeAfterSecond(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.optimizer.learning_rate = 0.0

    class StopAtThird(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.stop_training = True

    return {"warmup": Warmup(), "freeze": FreezeAfterSecond(), "stop": StopAtThird()}


@pytest.mark.parametrize("kind", ["warmup", "freeze", "stop"])
@pytest.mark.parametrize("source", ["arrays", "generator"])
def test_batch_hooks_that_change_training_match_keras(kind, source):
    keras = pytest.importorskip("keras")
    import lamina

    rng = np.random.default_rng(1)
    x = rng.normal(size=(75, 8)).astype("float32")  # 7 full batches and one of 5
    y = rng.integers(0, 3, 75)
    results = []
    for lib in (lamina, keras):
        if source == "arrays":
            results.append(_run(lib, _callbacks(lib)[kind], x, y, epochs=2))
        else:
            batches = [(x[i:i + 10], y[i:i + 10]) for i in range(0, 75, 10)]
            gen = (b for _ in range(2) for b in batches)
            results.append(_run(lib, _callbacks(lib)[kind], gen, None, epochs=2,
                                steps_per_epoch=8))
    (h_lamina, w_lamina), (h_keras, w_keras) = results
    assert h_lamina.keys() == h_keras.keys()
    np.testing.assert_allclose(h_lamina["loss"], h_keras["loss"], rtol=1e-5)
    for a, b in zip(w_lamina, w_keras):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _readers(lib, out):
    class WeightReader(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            out.append(float(np.abs(self.model.get_weights()[0]).sum()))

    class MetricReader(lib.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            out.append(float(self.model.metrics[0].result()))

    return {"weights": WeightReader(), "metrics": MetricReader()}


@pytest.mark.parametrize("kind", ["weights", "metrics"])
def test_batch_hooks_read_the_state_after_their_batch_like_keras(kind):
    keras = pytest.importorskip("keras")
    import lamina

    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 8)).astype("float32")
    y = rng.integers(0, 3, 60)
    seen = {}
    for lib in (lamina, keras):
        seen[lib] = []
        _run(lib, _readers(lib, seen[lib])[kind], x, y, epochs=1)
    assert len(seen[lamina]) == 6
    np.testing.assert_allclose(seen[lamina], seen[keras], rtol=1e-5)
