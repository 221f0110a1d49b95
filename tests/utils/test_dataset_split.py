"""split_dataset against Keras 3 + TensorFlow's split."""

import numpy as np
import pytest

import lamina as keras
from tests.utils.dataset_fixtures import REF

DATA = np.arange(100, dtype="float32").reshape(50, 2)
TARGETS = np.arange(50) * 10


def test_split_matches_keras():
    left, right = keras.utils.split_dataset((DATA, TARGETS), left_size=0.7)
    x, y = zip(*list(left))
    np.testing.assert_array_equal(np.stack(x), REF["split_left_x"])
    np.testing.assert_array_equal(np.stack(y), REF["split_left_y"])
    np.testing.assert_array_equal(np.stack([a for a, _ in right]), REF["split_right_x"])


def test_sizes_shuffle_and_batching():
    left, right = keras.utils.split_dataset(DATA, right_size=10, shuffle=True, seed=4)
    assert (len(left), len(right)) == (40, 10)
    rows = np.concatenate([np.stack(list(left)), np.stack(list(right))])
    np.testing.assert_array_equal(np.sort(rows[:, 0]), DATA[:, 0])
    batches = left.batch(16)
    assert len(batches) == 3 and batches[2].shape == (8, 2)
    assert len(batches.take(2)) == 2 and len(batches.skip(1)) == 2


def test_bad_sizes():
    with pytest.raises(ValueError, match="do not split 50 samples"):
        keras.utils.split_dataset(DATA, left_size=40, right_size=20)
    with pytest.raises(TypeError, match="left_size"):
        keras.utils.split_dataset(DATA, left_size="half")
