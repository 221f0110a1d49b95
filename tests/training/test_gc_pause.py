import gc

import pytest

from lamina.training.gc_pause import gc_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_on_again_after(collector_on):
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the outer block turns it back on, not the inner one
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_turns_it_back_on(collector_on):
    with pytest.raises(KeyError):
        with gc_paused():
            raise KeyError("x")
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(collector_on):
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_fit_leaves_the_collector_on(collector_on):
    import numpy as np

    import lamina as keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    seen = []

    class Probe(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(gc.isenabled())  # user code runs with the collector on

    model.fit(np.ones((8, 3), "float32"), np.zeros((8, 2), "float32"), batch_size=4,
              verbose=0, callbacks=[Probe()])
    assert seen == [True, True]
    assert gc.isenabled()
