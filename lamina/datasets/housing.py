"""The two housing-price regression datasets share their split: shuffle with
RandomState(seed), the first `1 - test_split` for training."""

import numpy as np

from lamina.datasets.cache import KERAS_ORIGIN, Resource, fetch, read_npz


def load(path, remote_name, sha256, test_split, seed, first=None):
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: {test_split}. It must be between 0 "
                         "and 1 (exclusive of 1).")
    arrays = read_npz(fetch(Resource(path, url=KERAS_ORIGIN + remote_name,
                                     file_sha256=(sha256,))))
    x, y = arrays["x"], arrays["y"]
    if first is not None:
        x, y = x[:first], y[:first]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
