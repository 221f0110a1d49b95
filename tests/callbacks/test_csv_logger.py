"""CSVLogger: the same bytes as Keras 3 for the same logs; append; never half-written."""

import os

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb

EPOCH_LOGS = [
    {"loss": 0.75, "accuracy": 0.5, "val_loss": 0.8, "val_accuracy": 0.25},
    {"loss": 0.5, "accuracy": np.float32(0.625), "val_loss": 0.7, "val_accuracy": 0.375},
    {"loss": 0.25, "accuracy": 0.75, "val_loss": 0.6},  # val_accuracy missing -> NA
]


@pytest.fixture(scope="module")
def keras3():
    os.environ["KERAS_BACKEND"] = "jax"
    return pytest.importorskip("keras")


def drive(callback, logs_per_epoch):
    callback.on_train_begin({})
    for epoch, logs in enumerate(logs_per_epoch):
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end({})


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("logs", [EPOCH_LOGS, [{"loss": 1.5}, {"loss": 1.25}],
                                  [{"loss": 1.0, "vec": np.array([1.0, 2.0])}]],
                         ids=["val", "no_val", "array"])
def test_same_file_as_keras(tmp_path, keras3, logs, sep):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "theirs.csv"
    drive(lcb.CSVLogger(str(ours), separator=sep), logs)
    drive(keras3.callbacks.CSVLogger(str(theirs), separator=sep), logs)
    assert ours.read_bytes() == theirs.read_bytes()
    # append=True on an existing file adds rows without a second header, as Keras.
    drive(lcb.CSVLogger(str(ours), separator=sep, append=True), logs[:2])
    drive(keras3.callbacks.CSVLogger(str(theirs), separator=sep, append=True), logs[:2])
    assert ours.read_bytes() == theirs.read_bytes()


def test_rows_match_history_in_a_real_fit(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    path = tmp_path / "sub" / "log.csv"
    history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(x, y), verbose=0,
                        callbacks=[lcb.CSVLogger(str(path))])
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,accuracy,loss,val_accuracy,val_loss"
    table = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    np.testing.assert_array_equal(table[:, 0], [0, 1, 2])
    for col, key in enumerate(["accuracy", "loss", "val_accuracy", "val_loss"], start=1):
        np.testing.assert_array_equal(table[:, col], history.history[key])


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "log.csv"
    logger = lcb.CSVLogger(str(path))
    logger.on_train_begin({})
    logger.on_epoch_end(0, {"loss": 1.0})
    before = path.read_bytes()

    from lamina.core.serialization import atomic_file as atomic

    real_fdopen = atomic.os.fdopen

    class Exploding:
        def __init__(self, f):
            self.f = f

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

        def write(self, data):
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Exploding(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="No space"):
        logger.on_epoch_end(1, {"loss": 0.5})
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["log.csv"]  # no temporary file left behind
