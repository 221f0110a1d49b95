"""fit / evaluate / predict accept arrays, generators, iterables and indexable batch sources,
and the compiled multi-step loop gives the same numbers as one step per call."""

import numpy as np
import pytest

import lamina as keras


def _data(n=100, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x, y


def _model(seed=1):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _clone_weights(src, dst):
    dst.set_weights(src.get_weights())


class Batches:
    """An indexable batch source like keras.utils.PyDataset."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.bs = x, y, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.bs))

    def __getitem__(self, i):
        s = slice(i * self.bs, (i + 1) * self.bs)
        return self.x[s], self.y[s]

    def on_epoch_end(self):
        self.epochs_ended += 1


def _run_arrays(model, x, y):
    return model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)


def test_generator_pydataset_and_arrays_train_identically():
    x, y = _data()
    base = _model()
    runs = {}
    for kind in ("arrays", "generator", "pydataset", "list"):
        model = _model()
        _clone_weights(base, model)
        if kind == "arrays":
            h = _run_arrays(model, x, y)
        elif kind == "generator":
            def gen():
                while True:
                    for i in range(0, 100, 16):
                        yield x[i:i + 16], y[i:i + 16]
            h = model.fit(gen(), steps_per_epoch=7, epochs=2, verbose=0)
        elif kind == "pydataset":
            source = Batches(x, y, 16)
            h = model.fit(source, epochs=2, shuffle=False, verbose=0)
            assert source.epochs_ended == 2
        else:
            batches = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 100, 16)]
            h = model.fit(batches, epochs=2, verbose=0)
        runs[kind] = (h.history, model.get_weights())
    ref_hist, ref_w = runs["arrays"]
    for kind, (hist, weights) in runs.items():
        for a, b in zip(ref_w, weights):
            np.testing.assert_allclose(b, a, atol=1e-5, err_msg=kind)
        np.testing.assert_allclose(hist["loss"], ref_hist["loss"], rtol=1e-5, err_msg=kind)


@pytest.mark.parametrize("steps_per_execution", [1, 3, "auto"])
def test_steps_per_execution_does_not_change_results(steps_per_execution):
    x, y = _data()
    base = _model()
    ref = _model()
    _clone_weights(base, ref)
    ref.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                metrics=["accuracy"], run_eagerly=True)
    h_ref = _run_arrays(ref, x, y)
    model = _model()
    _clone_weights(base, model)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=steps_per_execution)
    h = _run_arrays(model, x, y)
    np.testing.assert_allclose(h.history["loss"], h_ref.history["loss"], rtol=1e-5)
    for a, b in zip(ref.get_weights(), model.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-5)


def test_batch_hooks_see_every_batch_loss():
    """A batch-level callback gets each batch's running loss, identical to one step per call."""
    x, y = _data()

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.losses, self.begins = [], []

        def on_train_batch_begin(self, batch, logs=None):
            self.begins.append(batch)

        def on_batch_end(self, batch, logs=None):
            self.losses.append(logs["loss"])

    base = _model()
    recs = []
    for spe in (1, "auto"):
        model = _model()
        _clone_weights(base, model)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                      steps_per_execution=spe)
        rec = Recorder()
        model.fit(x, y, batch_size=16, epochs=1, shuffle=False, callbacks=[rec], verbose=0)
        assert rec.begins == list(range(7))
        recs.append(rec.losses)
    assert len(recs[0]) == 7
    np.testing.assert_allclose(recs[1], recs[0], rtol=1e-6)


def test_validation_split_uses_last_samples():
    x, y = _data()
    model = _model()
    h = model.fit(x, y, epochs=1, validation_split=0.2, shuffle=False, verbose=0)
    val = model.evaluate(x[80:], y[80:], return_dict=True, verbose=0)
    np.testing.assert_allclose(h.history["val_loss"][0], val["loss"], rtol=1e-5)
    np.testing.assert_allclose(h.history["val_accuracy"][0], val["accuracy"], rtol=1e-6)


def test_sample_weight_and_class_weight_agree():
    x, y = _data()
    base = _model()
    a, b = _model(), _model()
    _clone_weights(base, a)
    _clone_weights(base, b)
    ha = a.fit(x, y, epochs=1, shuffle=False, class_weight={0: 1.0, 1: 3.0}, verbose=0)
    hb = b.fit(x, y, epochs=1, shuffle=False, sample_weight=np.where(y == 1, 3.0, 1.0), verbose=0)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
    # Zero weights on every sample: the loss is zero and nothing is learned.
    c = _model()
    _clone_weights(base, c)
    hc = c.fit(x, y, epochs=1, sample_weight=np.zeros(100), verbose=0)
    assert hc.history["loss"][0] == 0.0
    for w0, w1 in zip(base.get_weights(), c.get_weights()):
        np.testing.assert_array_equal(w0, w1)


def test_initial_epoch_and_validation_freq():
    x, y = _data()
    model = _model()
    h = model.fit(x, y, epochs=5, initial_epoch=2, validation_data=(x, y), validation_freq=2,
                  verbose=0)
    assert h.epoch == [2, 3, 4]
    assert len(h.history["loss"]) == 3 and len(h.history["val_loss"]) == 1


def test_evaluate_matches_numpy_with_partial_last_batch():
    x, y = _data(n=103)
    model = _model()
    loss, acc = model.evaluate(x, y, batch_size=10, verbose=0)
    probs = model.predict(x, batch_size=7, verbose=0)
    np.testing.assert_allclose(acc, np.mean(probs.argmax(1) == y), atol=1e-6)
    np.testing.assert_allclose(loss, np.mean(-np.log(probs[np.arange(103), y])), rtol=1e-5)


def test_single_batch_methods():
    x, y = _data(n=32)
    model = _model()
    before = model.get_weights()
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= acc <= 1
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    logs = model.test_on_batch(x, y, return_dict=True)
    probs = model.predict_on_batch(x)
    np.testing.assert_allclose(logs["accuracy"], np.mean(probs.argmax(1) == y), atol=1e-6)


def test_predict_structures():
    inputs = {"a": keras.Input(shape=(3,), name="a"), "b": keras.Input(shape=(2,), name="b")}
    joined = keras.layers.Concatenate()([inputs["a"], inputs["b"]])
    outputs = {"sum": keras.layers.Dense(1, name="sum")(joined),
               "probs": keras.layers.Dense(4, activation="softmax", name="probs")(joined)}
    model = keras.Model(inputs, outputs)
    data = {"a": np.ones((37, 3), "float32"), "b": np.ones((37, 2), "float32")}
    out = model.predict(data, batch_size=8, verbose=0)
    assert set(out) == {"sum", "probs"}
    assert out["sum"].shape == (37, 1) and out["probs"].shape == (37, 4)
    direct = model(data)
    np.testing.assert_allclose(out["probs"], np.asarray(direct["probs"]), rtol=1e-6)


def test_predict_regroups_rows_only_for_row_independent_models():
    from lamina.training.predictor import _rows_independent

    x, _ = _data(n=600)
    model = _model()
    assert _rows_independent(model)
    direct = np.asarray(model(x))
    for bs in (7, 32, 600):
        np.testing.assert_allclose(model.predict(x, batch_size=bs, verbose=0), direct, rtol=1e-5,
                                   atol=1e-6)

    class Center(keras.layers.Layer):  # output depends on the whole batch
        def call(self, inputs):
            return inputs - keras.ops.mean(inputs, axis=0)

    centered = keras.Sequential([keras.Input(shape=(6,)), Center()])
    assert not _rows_independent(centered)
    out = centered.predict(x, batch_size=50, verbose=0)
    expected = np.concatenate([x[i:i + 50] - x[i:i + 50].mean(0) for i in range(0, 600, 50)])
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_predict_caches_do_not_change_weights_lists():
    model = _model()
    names = [w.path for w in model.weights]
    model.predict(np.zeros((1, 6), "float32"), verbose=0)
    model.predict(np.zeros((40, 6), "float32"), verbose=0)
    model(np.zeros((2, 6), "float32"))
    assert [w.path for w in model.weights] == names
    assert len(model.non_trainable_variables) == 0


def test_large_arrays_are_fed_from_the_host(monkeypatch):
    """Above the device-data limit the same training runs batch by batch from the host."""
    x, y = _data()
    base = _model()
    ref = _model()
    ref.set_weights(base.get_weights())
    h_ref = _run_arrays(ref, x, y)
    monkeypatch.setenv("LAMINA_DEVICE_DATA_LIMIT", "1000")
    model = _model()
    model.set_weights(base.get_weights())
    h = _run_arrays(model, x, y)
    np.testing.assert_allclose(h.history["loss"], h_ref.history["loss"], rtol=1e-5)
    for a, b in zip(ref.get_weights(), model.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-5)


def test_interrupted_fit_keeps_the_weights_of_completed_steps():
    x, y = _data()
    model = _model()
    before = model.get_weights()

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=16, epochs=1, callbacks=[Interrupt()], verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_one_shot_validation_generator_validates_every_epoch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = rng.integers(0, 3, 40)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    batches = ((x[i:i + 10], y[i:i + 10]) for i in range(0, 30, 10))  # read once
    history = model.fit(x, y, epochs=3, batch_size=10, verbose=0, validation_data=batches)
    assert len(history.history["val_loss"]) == 3
    np.testing.assert_allclose(history.history["val_loss"][-1],
                               model.evaluate(x[:30], y[:30], verbose=0)[0], rtol=1e-5)
