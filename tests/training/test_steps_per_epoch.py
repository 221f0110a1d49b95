"""steps_per_epoch on a finite source: epochs continue one pass over the data, as in
Keras 3 (the epoch in which the pass runs out ends early; the next starts a new pass)."""

import warnings

import numpy as np
import pytest


def _fit(lib, source, **kw):
    rng = np.random.default_rng(0)
    inputs = lib.Input((5,))
    model = lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(inputs))
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.2), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    seen = []

    class Count(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append(0)

        def on_train_batch_end(self, batch, logs=None):
            seen[-1] += 1

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(*source(lib), verbose=0, shuffle=False, callbacks=[Count()], **kw)
    return history.history, seen, model.get_weights()


def _sources(x, y):
    def arrays(lib):
        return x, y

    def pydataset(lib):
        class Batches(lib.utils.PyDataset):
            def __len__(self):
                return 8

            def __getitem__(self, i):
                return x[i * 10:(i + 1) * 10], y[i * 10:(i + 1) * 10]

        return (Batches(),)

    return {"arrays": arrays, "pydataset": pydataset}


@pytest.mark.parametrize("kind", ["arrays", "pydataset"])
def test_epochs_continue_through_the_data_like_keras(kind):
    keras = pytest.importorskip("keras")
    import lamina

    rng = np.random.default_rng(1)
    x = rng.normal(size=(75, 5)).astype("float32")  # 8 batches of 10, the last of 5
    y = rng.integers(0, 3, 75)
    source = _sources(x, y)[kind]
    kw = dict(epochs=4, steps_per_epoch=3, validation_data=(x[:40], y[:40]),
              validation_steps=2, validation_batch_size=10)
    if kind == "arrays":
        kw["batch_size"] = 10
    (h_lamina, seen_lamina, w_lamina), (h_keras, seen_keras, w_keras) = [
        _fit(lib, source, **kw) for lib in (lamina, keras)]
    assert seen_lamina == seen_keras == [3, 3, 2, 3]
    for key in h_keras:
        np.testing.assert_allclose(h_lamina[key], h_keras[key], rtol=1e-5, err_msg=key)
    for a, b in zip(w_lamina, w_keras):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
