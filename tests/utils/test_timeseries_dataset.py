"""timeseries_dataset_from_array against Keras 3 + TensorFlow's windows."""

import numpy as np
import pytest

import lamina as keras
from tests.utils.dataset_fixtures import META, REF

DATA = np.arange(100, dtype="float32").reshape(50, 2)
TARGETS = np.arange(50) * 10


@pytest.mark.parametrize("name", ["ts_basic", "ts_stride", "ts_range"])
def test_windows_match_keras(name):
    ds = keras.utils.timeseries_dataset_from_array(DATA, TARGETS, **META[name]["kwargs"])
    xs, ys = zip(*list(ds))
    assert len(xs) == META[name]["batches"]
    np.testing.assert_array_equal(np.concatenate(xs), REF[name + "_x"])
    np.testing.assert_array_equal(np.concatenate(ys), REF[name + "_y"])


def test_without_targets_and_shuffled():
    ds = keras.utils.timeseries_dataset_from_array(DATA, None, sequence_length=6,
                                                   batch_size=100)
    np.testing.assert_array_equal(ds[0], REF["ts_no_targets"])
    shuffled = keras.utils.timeseries_dataset_from_array(DATA, TARGETS, sequence_length=5,
                                                         batch_size=7, shuffle=True, seed=3)
    x, y = map(np.concatenate, zip(*list(shuffled)))
    order = np.argsort(y)
    np.testing.assert_array_equal(x[order], REF["ts_basic_x"])


def test_bad_arguments():
    with pytest.raises(ValueError, match="sequence_length"):
        keras.utils.timeseries_dataset_from_array(DATA, None, sequence_length=0)
    with pytest.raises(ValueError, match="same length"):
        keras.utils.timeseries_dataset_from_array(DATA, TARGETS[:3], sequence_length=2)
    with pytest.raises(ValueError, match="No window"):
        keras.utils.timeseries_dataset_from_array(DATA, None, sequence_length=60)
