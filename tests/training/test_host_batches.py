"""Host batches grouped, stacked and put on the device for one compiled call each."""

import jax
import numpy as np
import pytest

import lamina as keras
from lamina.training.host_batches import (
    aligned_empty, gather_to_device, same_shape_groups, single_to_device, stack_to_device)


@pytest.mark.parametrize("shape", [(3, 5), (600, 1000)])
def test_aligned_empty_starts_on_64_bytes(shape):
    a = aligned_empty(shape, "float32")
    assert a.shape == shape and a.dtype == np.float32 and a.flags.c_contiguous
    assert a.ctypes.data % 64 == 0


def test_stack_pads_with_the_first_batch_and_shares_no_memory():
    batches = [(np.full((2, 3), i, "float32"), np.arange(2) + i, None) for i in range(3)]
    x, y, sw = stack_to_device(batches, group=4)
    assert sw is None
    np.testing.assert_array_equal(np.asarray(x)[:, 0, 0], [0, 1, 2, 0])
    np.testing.assert_array_equal(np.asarray(y), [[0, 1], [1, 2], [2, 3], [0, 1]])
    batches[0][0][:] = 9  # the host buffer is refilled: the device copy keeps its values
    assert np.asarray(x)[0, 0, 0] == 0


def test_gather_takes_the_rows_in_order_and_pads_whole_batches():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10)
    gx, gy = gather_to_device((x, y), np.array([9, 1, 4, 7]), group=3, batch_size=2)
    assert gx.shape == (3, 2, 2) and isinstance(gx, jax.Array)
    np.testing.assert_array_equal(np.asarray(gy), [[9, 1], [4, 7], [9, 1]])
    np.testing.assert_array_equal(np.asarray(gx)[1], x[[4, 7]])


def test_groups_split_at_a_new_shape_and_come_before_an_error():
    def source():
        for n in (4, 4, 4, 3):
            yield (np.zeros((n, 2), "float32"),)
        raise OSError("disk gone")

    groups = same_shape_groups(source(), group=2)
    assert [len(next(groups)) for _ in range(3)] == [2, 1, 1]  # 4,4 | 4 | 3
    with pytest.raises(OSError, match="disk gone"):
        next(groups)


def test_single_batch_is_copied():
    x = np.ones((2, 2), "float32")
    (dx,) = single_to_device((x,))
    x[:] = 5
    np.testing.assert_array_equal(np.asarray(dx), np.ones((2, 2)))


def test_arrays_above_the_device_limit_train_in_groups_like_on_the_device(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4 * 40 + 3, 5)).astype("float32")  # 40 full batches and a tail
    y = (x[:, 0] > 0).astype("int32")
    runs = []
    for limit in (None, "1000"):
        if limit:
            monkeypatch.setenv("LAMINA_DEVICE_DATA_LIMIT", limit)
        keras.utils.set_random_seed(2)
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
        runs.append((history.history["loss"], model.get_weights()))
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-5)
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
