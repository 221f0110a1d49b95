"""The note's ticket classifier: fit / evaluate / predict with lists and with dicts."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402

VOCAB, TAGS, DEPTS = 200, 20, 4


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = {"title": rng.integers(0, 2, (n, VOCAB)).astype("float32"),
         "text_body": rng.integers(0, 2, (n, VOCAB)).astype("float32"),
         "tags": rng.integers(0, 2, (n, TAGS)).astype("float32")}
    y = {"priority": rng.random((n, 1)).astype("float32"),
         "department": np.eye(DEPTS, dtype="float32")[rng.integers(0, DEPTS, n)]}
    return x, y


def _check_predictions(priority, department, n):
    assert priority.shape == (n, 1) and department.shape == (n, DEPTS)
    assert priority.min() >= 0 and priority.max() <= 1
    np.testing.assert_allclose(department.sum(axis=1), 1.0, atol=1e-5)
    assert set(np.unique(department.argmax(axis=1))) <= set(range(DEPTS))


def test_lists():
    x, y = _data()
    model = note.ticket_model(VOCAB, TAGS, DEPTS)
    model.compile(optimizer="adam",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error", "mean_squared_error"],
                           ["accuracy", "AUC", "Precision"]])
    xs = [x["title"], x["text_body"], x["tags"]]
    ys = [y["priority"], y["department"]]
    history = model.fit(xs, ys, epochs=3, batch_size=16, verbose=0)
    assert list(history.history) == [
        "loss", "priority_loss", "department_loss", "priority_mean_absolute_error",
        "priority_mean_squared_error", "department_accuracy", "department_AUC",
        "department_Precision"]
    assert all(len(v) == 3 for v in history.history.values())
    assert history.history["loss"][-1] < history.history["loss"][0]
    # The total loss is the sum of the two output losses (weights 1).
    h = history.history
    np.testing.assert_allclose(h["loss"], np.add(h["priority_loss"], h["department_loss"]), rtol=1e-5)
    # MSE as a metric equals the MSE loss of the same output.
    np.testing.assert_allclose(h["priority_loss"], h["priority_mean_squared_error"], rtol=1e-5)
    results = model.evaluate(xs, ys, verbose=0)
    assert len(results) == 8
    priority, department = model.predict(xs, verbose=0)
    _check_predictions(priority, department, 96)
    # evaluate's numbers agree with NumPy on predict's outputs.
    mse = np.mean((priority - y["priority"]) ** 2)
    cce = np.mean(-np.sum(y["department"] * np.log(np.clip(department, 1e-7, 1)), axis=1))
    acc = np.mean(department.argmax(1) == y["department"].argmax(1))
    np.testing.assert_allclose(results[1], mse, rtol=1e-4)
    np.testing.assert_allclose(results[2], cce, rtol=1e-4)
    np.testing.assert_allclose(results[5], acc, rtol=1e-6)


def test_dicts():
    x, y = _data()
    model = note.ticket_model(VOCAB, TAGS, DEPTS)
    model.compile(optimizer="adam",
                  loss={"priority": "mean_squared_error", "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error", "mean_squared_error"],
                           "department": ["accuracy", "AUC", "Precision"]})
    history = model.fit(x, y, epochs=1, verbose=0)
    assert "department_AUC" in history.history and "priority_loss" in history.history
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert set(logs) == set(history.history)
    priority, department = model.predict(x, verbose=0)
    _check_predictions(priority, department, 96)


def test_partial_output_loss_dict():
    """A dict naming only one output trains that output only."""
    x, y = _data()
    model = note.ticket_model(VOCAB, TAGS, DEPTS)
    model.compile(optimizer="sgd", loss={"department": "categorical_crossentropy"})
    before = model.get_layer("priority").get_weights()
    model.fit(x, {"department": y["department"]}, epochs=1, verbose=0)
    after = model.get_layer("priority").get_weights()
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def test_loss_weights():
    x, y = _data()
    model = note.ticket_model(VOCAB, TAGS, DEPTS)
    model.compile(optimizer="sgd", loss=["mse", "categorical_crossentropy"], loss_weights=[2.0, 0.5])
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    np.testing.assert_allclose(logs["loss"], 2.0 * logs["priority_loss"] + 0.5 * logs["department_loss"],
                               rtol=1e-5)


@pytest.mark.parametrize("bad", ["titel", "priorty"])
def test_unknown_dict_keys_list_valid_names(bad):
    x, y = _data(8)
    model = note.ticket_model(VOCAB, TAGS, DEPTS)
    model.compile(optimizer="adam", loss=["mse", "categorical_crossentropy"])
    if bad == "titel":
        x[bad] = x.pop("title")
        names = "['title', 'text_body', 'tags']"
    else:
        y[bad] = y.pop("priority")
        names = "['priority', 'department']"
    with pytest.raises(ValueError) as info:
        model.fit(x, y, epochs=1, verbose=0)
    assert bad in str(info.value) and names in str(info.value)
