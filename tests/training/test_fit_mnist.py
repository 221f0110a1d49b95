"""The note's MNIST model with its custom RMSE metric, on the real MNIST."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402


def _rmse(labels, probs):
    one_hot = np.eye(probs.shape[1])[labels]
    return np.sqrt(np.sum((one_hot - probs) ** 2) / probs.shape[0])


def test_note_mnist_reaches_97_percent():
    (train_x, train_y), (val_x, val_y), (test_x, test_y) = note.load_mnist_splits()
    assert train_x.shape == (50000, 784) and test_x.shape == (10000, 784)
    model = note.get_mnist_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", note.RootMeanSquaredError()])
    history = model.fit(train_x, train_y, epochs=3, validation_data=(val_x, val_y), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "rmse", "val_loss", "val_accuracy",
                                    "val_rmse"}
    assert history.history["val_loss"][-1] < history.history["val_loss"][0]
    loss, accuracy, rmse = model.evaluate(test_x, test_y, verbose=0)
    assert accuracy >= 0.97
    probs = model.predict(test_x, verbose=0)
    np.testing.assert_allclose(accuracy, np.mean(probs.argmax(1) == test_y), atol=1e-6)
    np.testing.assert_allclose(rmse, _rmse(test_y, probs), rtol=1e-5)
    np.testing.assert_allclose(
        loss, np.mean(-np.log(np.clip(probs[np.arange(10000), test_y], 1e-7, 1))), rtol=1e-4)
    # The validation figures of the last epoch are evaluate() on the validation split.
    val = model.evaluate(val_x, val_y, return_dict=True, verbose=0)
    np.testing.assert_allclose(val["rmse"], history.history["val_rmse"][-1], rtol=1e-5)
