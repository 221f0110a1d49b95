"""CIFAR-10 / CIFAR-100: Keras's download (the Toronto tar.gz, extracted into the cache)
and the pickled batches read with an array-only unpickler."""

import numpy as np

from lamina.backend.config import image_data_format
from lamina.datasets.get_file import get_file
from lamina.datasets.safe_pickle import load_pickle


def load_batch(path, label_key="labels"):
    """(images uint8 (n, 3, 32, 32), labels) of one pickled CIFAR batch file."""
    with open(path, "rb") as f:
        batch = {k.decode("utf8"): v for k, v in load_pickle(f, encoding="bytes").items()}
    data = np.asarray(batch["data"], dtype=np.uint8)
    return data.reshape(data.shape[0], 3, 32, 32), np.asarray(batch[label_key], dtype=np.uint8)


def download(dirname, origin, sha256):
    return get_file(fname=dirname, origin=origin, extract=True, file_hash=sha256)


def finish(x_train, y_train, x_test, y_test):
    """Labels as (n, 1) columns, images channels-last unless the config says otherwise."""
    y_train, y_test = y_train.reshape(-1, 1), y_test.reshape(-1, 1)
    if image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
