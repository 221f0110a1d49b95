"""Models and data shared by the export tests: the note's MNIST model and ticket
classifier (examples/note_models.py), built and with non-trivial weights."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))

import note_models as note  # noqa: E402

BATCH_SIZES = (1, 7, 128)
TOL = 1e-5
VOCAB, TAGS = 10000, 100  # the note's sizes


def mnist_model():
    model = note.get_mnist_model()
    model.predict(np.zeros((1, 784), "float32"), verbose=0)
    return model


def mnist_data(n=128, seed=0):
    return np.random.default_rng(seed).random((n, 784), dtype="float32")


def ticket_model():
    model = note.ticket_model()
    model.predict(ticket_data(1), verbose=0)
    return model


def ticket_data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 2, (n, VOCAB)).astype("float32"),
            rng.integers(0, 2, (n, VOCAB)).astype("float32"),
            rng.integers(0, 2, (n, TAGS)).astype("float32")]
