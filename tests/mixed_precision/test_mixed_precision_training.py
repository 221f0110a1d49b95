"""mixed_bfloat16 training of the note's MNIST model reaches float32's accuracy."""

import os
import sys

import numpy as np
import pytest

import lamina

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402


def _train(policy, data, weights):
    (x, y), (test_x, test_y) = data
    lamina.mixed_precision.set_global_policy(policy)
    lamina.utils.set_random_seed(1)
    model = note.get_mnist_model()
    lamina.mixed_precision.set_global_policy("float32")
    model.set_weights(weights)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=128, verbose=0)
    return model, model.evaluate(test_x, test_y, verbose=0)[1]


@pytest.mark.slow  # two trainings of ~15 s each on 2 CPU cores
def test_mixed_bfloat16_mnist_matches_float32_accuracy():
    (train_x, train_y), _, (test_x, test_y) = note.load_mnist_splits()
    data = ((train_x[:12000], train_y[:12000]), (test_x[:5000], test_y[:5000]))
    weights = note.get_mnist_model().get_weights()
    _, acc32 = _train("float32", data, weights)
    model, acc16 = _train("mixed_bfloat16", data, weights)
    assert model.output.dtype == "bfloat16"
    assert all(w.dtype == "float32" for w in model.weights)
    assert model.predict(test_x[:4], verbose=0).dtype == "bfloat16"
    assert acc32 > 0.88
    assert abs(acc16 - acc32) <= 0.005, (acc16, acc32)
