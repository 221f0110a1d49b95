"""CIFAR-100: `load_data(label_mode="fine")`, as `keras.datasets.cifar100`."""

import os

from lamina.datasets import cifar

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """`(x_train, y_train), (x_test, y_test)`: 50,000 and 10,000 32x32 colour images,
    labels (n, 1) uint8: 100 "fine" classes or 20 "coarse" superclasses."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse"; got {label_mode!r}.')
    folder = os.path.join(cifar.download("cifar-100-python-target", ORIGIN, FILE_SHA256),
                        "cifar-100-python")
    key = f"{label_mode}_labels"
    x_train, y_train = cifar.load_batch(os.path.join(folder, "train"), key)
    x_test, y_test = cifar.load_batch(os.path.join(folder, "test"), key)
    return cifar.finish(x_train, y_train, x_test, y_test)
