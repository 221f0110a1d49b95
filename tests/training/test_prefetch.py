"""Host-fed batches (generators, iterables, PyDatasets) are read ahead on a background thread,
put on the device, and run several per compiled call: the order, the end of an epoch, errors
raised by the source and the trained weights are those of a plain step-by-step loop."""

import threading
import traceback

import numpy as np
import pytest

import lamina as keras
from lamina.training.prefetch import BatchPrefetcher

BS, STEPS = 4, 40  # 40 batches: the runner groups 8 per compiled call


def _data(n=BS * STEPS, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    y = (x[:, 0] - x[:, 2] > 0).astype("int32")
    return x, y


def _model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(6, activation="tanh"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _batches(x, y, count=STEPS):
    return [(x[i * BS:(i + 1) * BS], y[i * BS:(i + 1) * BS]) for i in range(count)]


def _step_by_step(batches, epochs=1):
    """The reference: one train_on_batch per batch, in order."""
    model = _model()
    for _ in range(epochs):
        for bx, by in batches:
            model.train_on_batch(bx, by)
    return model.get_weights()


def _assert_same_weights(model, reference):
    for got, want in zip(model.get_weights(), reference):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _prefetch_threads():
    return [t for t in threading.enumerate() if t.name == "lamina-batch-prefetch"]


# -- BatchPrefetcher itself ---------------------------------------------------------------
def test_prefetcher_keeps_order_and_prepares_on_another_thread():
    threads = []

    def prepare(batch):
        threads.append(threading.current_thread().name)
        return batch * 10

    with BatchPrefetcher(iter(range(25)), prepare, depth=3) as items:
        got = list(items)
    assert got == [(i, i * 10) for i in range(25)]
    assert set(threads) == {"lamina-batch-prefetch"}
    assert not _prefetch_threads()


def test_prefetcher_raises_the_sources_error_with_its_traceback():
    def failing_source():
        yield 1
        raise KeyError("batch 1 is missing")

    seen = []
    with pytest.raises(KeyError, match="batch 1 is missing") as info:
        with BatchPrefetcher(failing_source(), lambda b: b) as items:
            for item in items:
                seen.append(item)
    assert seen == [(1, 1)]
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "failing_source" in frames  # the generator's own frame is kept
    assert not _prefetch_threads()


def test_prefetcher_left_early_stops_reading_and_closes_the_generator():
    read, closed = [], []

    def endless():
        try:
            i = 0
            while True:
                read.append(i)
                yield i
                i += 1
        finally:
            closed.append(True)

    with BatchPrefetcher(endless(), lambda b: b, depth=2) as items:
        for item, _ in items:
            if item == 3:
                break
    assert closed == [True]
    assert not _prefetch_threads()
    assert len(read) <= 4 + 2 + 1  # never more than `depth` (+ the one in hand) ahead


# -- fit fed from Python ------------------------------------------------------------------
def test_generator_fit_equals_step_by_step_over_epochs():
    x, y = _data()
    batches = _batches(x, y)

    def endless():
        while True:
            yield from batches

    model = _model()
    history = model.fit(endless(), steps_per_epoch=STEPS, epochs=2, verbose=0)
    _assert_same_weights(model, _step_by_step(batches, epochs=2))
    assert len(history.history["loss"]) == 2
    assert not _prefetch_threads()


def test_finite_generator_ends_the_epoch_and_a_smaller_last_batch_runs():
    x, y = _data(n=BS * STEPS + 3)
    batches = _batches(x, y, STEPS) + [(x[-3:], y[-3:])]
    model = _model()
    model.fit(iter(batches), epochs=1, verbose=0)
    _assert_same_weights(model, _step_by_step(batches))
    # The generator is exhausted: a second epoch has nothing to run, as before.
    with pytest.raises(ValueError, match="no batches"):
        model.fit(iter([]), epochs=1, verbose=0)
    assert not _prefetch_threads()


def test_generator_that_refills_one_buffer_trains_on_each_batch():
    x, y = _data()
    buf_x, buf_y = np.empty((BS, 5), "float32"), np.empty((BS,), "int32")

    def refilling():
        for i in range(STEPS):
            buf_x[:] = x[i * BS:(i + 1) * BS]
            buf_y[:] = y[i * BS:(i + 1) * BS]
            yield buf_x, buf_y

    model = _model()
    model.fit(refilling(), epochs=1, verbose=0)
    _assert_same_weights(model, _step_by_step(_batches(x, y)))


def test_generator_error_surfaces_after_the_batches_read_before_it():
    x, y = _data()
    batches = _batches(x, y)

    def broken():
        yield from batches[:13]
        raise RuntimeError("corrupt record 13")

    model = _model()
    with pytest.raises(RuntimeError, match="corrupt record 13") as info:
        model.fit(broken(), epochs=1, verbose=0)
    assert "broken" in [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    # As in a step-by-step loop: the 13 batches before the error were trained on.
    _assert_same_weights(model, _step_by_step(batches[:13]))
    assert not _prefetch_threads()


class Batches(keras.utils.PyDataset):
    def __init__(self, batches, **kwargs):
        super().__init__(**kwargs)
        self.batches = batches
        self.events = []

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, i):
        return self.batches[i]

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


@pytest.mark.parametrize("workers", [1, 2])
def test_pydataset_fit_equals_step_by_step_and_calls_its_epoch_hooks(workers):
    x, y = _data()
    batches = _batches(x, y)
    source = Batches(batches, workers=workers, use_multiprocessing=False)
    model = _model()
    model.fit(source, epochs=2, shuffle=False, verbose=0)
    _assert_same_weights(model, _step_by_step(batches, epochs=2))
    assert source.events == ["begin", "end", "begin", "end"]
    assert not _prefetch_threads()


def test_batch_callbacks_see_every_batch_of_a_generator():
    x, y = _data()
    batches = _batches(x, y)
    seen = []

    class Stopper(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
            if batch == 9:
                self.model.stop_training = True

    model = _model()
    model.fit(iter(batches), epochs=1, verbose=0, callbacks=[Stopper()])
    assert seen == list(range(10))
    _assert_same_weights(model, _step_by_step(batches[:10]))
    assert not _prefetch_threads()
