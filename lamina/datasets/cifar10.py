"""CIFAR-10: `load_data()`, as `keras.datasets.cifar10`."""

import os

import numpy as np

from lamina.datasets import cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: 50,000 and 10,000 32x32 colour images
    (uint8, (n, 32, 32, 3) channels-last), labels (n, 1) uint8 in 0-9."""
    folder = os.path.join(cifar.download("cifar-10-batches-py-target", ORIGIN, FILE_SHA256),
                        "cifar-10-batches-py")
    parts = [cifar.load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    x_test, y_test = cifar.load_batch(os.path.join(folder, "test_batch"))
    return cifar.finish(x_train, y_train, x_test, y_test)
