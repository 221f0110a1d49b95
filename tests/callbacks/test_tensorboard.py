"""TensorBoard: event files read back by the real `tensorboard` server over HTTP, and by
tensorboard's event reader (batch scalars, histograms, graph)."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb

pytest.importorskip("tensorboard")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read().decode())


@contextlib.contextmanager
def tensorboard_server(logdir):
    """The real TensorBoard on 127.0.0.1 and a free port; yields its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host",
         "127.0.0.1", "--port", str(port), "--load_fast=false", "--reload_interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                runs = _get(base + "/data/runs")
                if {"train", "validation"} <= set(runs):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("tensorboard did not start or did not load the runs")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _scalars(base, run, tag):
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return _get(f"{base}/data/plugin/scalars/scalars?{query}")


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int32")


def _model():
    model = lamina.Sequential([lamina.Input((5,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.Dropout(0.1),
                               lamina.layers.Dense(2, activation="softmax")])
    model.compile(lamina.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_tensorboard_server_reads_epoch_loss_back(tmp_path):
    x, y = _data()
    logdir = tmp_path / "logs"
    history = _model().fit(x, y, epochs=4, batch_size=16, validation_data=_data(40, 1),
                           callbacks=[lcb.TensorBoard(log_dir=str(logdir))], verbose=0)
    assert sorted(os.listdir(logdir)) == ["train", "validation"]
    with tensorboard_server(logdir) as base:
        tags = _get(base + "/data/plugin/scalars/tags")
        assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= set(tags["train"])
        assert {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations",
                "evaluation_accuracy_vs_iterations"} <= set(tags["validation"])
        for run, key in (("train", "loss"), ("validation", "val_loss"),
                         ("train", "accuracy"), ("validation", "val_accuracy")):
            tag = "epoch_" + key.replace("val_", "")
            points = _scalars(base, run, tag)
            assert [p[1] for p in points] == [0, 1, 2, 3], (run, tag)
            np.testing.assert_allclose([p[2] for p in points], history.history[key],
                                       rtol=1e-6, err_msg=f"{run}/{tag}")
        lr = _scalars(base, "train", "epoch_learning_rate")
        np.testing.assert_allclose([p[2] for p in lr], [0.01] * 4, rtol=1e-6)
        steps = [p[1] for p in _scalars(base, "validation", "evaluation_loss_vs_iterations")]
        assert steps == [8, 16, 24, 32]  # optimizer iterations after each epoch (120/16 -> 8)


def _events(path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def test_batch_scalars_histograms_and_graph(tmp_path):
    x, y = _data()
    model = _model()
    tb = lcb.TensorBoard(log_dir=str(tmp_path), histogram_freq=2, update_freq=3,
                         write_steps_per_second=True, write_images=True)
    history = model.fit(x, y, epochs=3, batch_size=16, callbacks=[tb], verbose=0)
    train = _events(tmp_path / "train")
    # 8 batches an epoch, 24 in all: batch scalars at global steps 3, 6, ..., 24.
    batch_loss = train.Scalars("batch_loss")
    assert [e.step for e in batch_loss] == list(range(3, 25, 3))
    assert batch_loss[-1].value == pytest.approx(history.history["loss"][-1], rel=1e-6)
    assert len(train.Scalars("batch_steps_per_second")) == 8
    assert [e.step for e in train.Scalars("epoch_steps_per_second")] == [0, 1, 2]
    tags = train.Tags()
    kernel = "sequential/dense/kernel/histogram"
    assert kernel in tags["histograms"] and "sequential/dense/kernel/image" in tags["images"]
    assert [h.step for h in train.Histograms(kernel)] == [0, 2]
    final = train.Histograms(kernel)[-1].histogram_value
    assert final.num == 40 and final.min == pytest.approx(model.layers[0].kernel.numpy().min())
    graph = train.Graph()
    assert [(n.name, n.op, list(n.input)) for n in graph.node] == [
        ("sequential/input_layer", "InputLayer", []),
        ("sequential/dense", "Dense", ["sequential/input_layer"]),
        ("sequential/dropout", "Dropout", ["sequential/dense"]),
        ("sequential/dense_1", "Dense", ["sequential/dropout"])]


def test_batch_logging_matches_every_batch_delivery(tmp_path):
    """update_freq=N reads the logs sparsely; they equal those of an every-batch run."""
    x, y = _data()
    runs = {}
    for name, extra in (("sparse", []), ("every", [lcb.LambdaCallback(
            on_train_batch_end=lambda b, logs: None)])):
        lamina.utils.set_random_seed(0)
        lamina.backend.clear_session()
        lamina.utils.set_random_seed(0)
        model = _model()
        model.compile(model.optimizer, "sparse_categorical_crossentropy", steps_per_execution=4)
        model.fit(x, y, epochs=2, batch_size=10, verbose=0,
                  callbacks=[lcb.TensorBoard(log_dir=str(tmp_path / name), update_freq=5)]
                  + extra)
        runs[name] = [(e.step, e.value) for e in _events(tmp_path / name / "train")
                      .Scalars("batch_loss")]
    assert [s for s, _ in runs["sparse"]] == [5, 10, 15, 20]
    np.testing.assert_allclose(runs["sparse"], runs["every"], rtol=1e-6)


def test_unsupported_options_are_refused_clearly():
    with pytest.raises(ValueError, match="profile_batch"):
        lcb.TensorBoard(profile_batch=(2, 4))
    with pytest.raises(ValueError, match="update_freq"):
        lcb.TensorBoard(update_freq="sometimes")
