"""Bad input to compile / fit: each gives a clear error."""

import numpy as np
import pytest

import lamina as keras


def _mlp(classes=3):
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(classes, activation="softmax")])


def test_x_y_sample_count_mismatch():
    model = _mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"(?s)cardinality.*'x' sizes: 10.*'y' sizes: 9"):
        model.fit(np.zeros((10, 4)), np.zeros(9), verbose=0)


@pytest.mark.parametrize("kind,name,suggestion", [
    ("loss", "sparse_categorical_crossentropi", "sparse_categorical_crossentropy"),
    ("metric", "acuracy", "accuracy"),
    ("optimizer", "adamm", "adam"),
])
def test_unknown_names_suggest_close_matches(kind, name, suggestion):
    model = _mlp()
    kwargs = {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"}
    if kind == "loss":
        kwargs["loss"] = name
    elif kind == "metric":
        kwargs["metrics"] = [name]
    else:
        kwargs["optimizer"] = name
    with pytest.raises(ValueError) as info:
        model.compile(**kwargs)
        model.fit(np.zeros((4, 4)), np.zeros(4), verbose=0)
    assert name in str(info.value) and suggestion in str(info.value)


def test_target_shape_that_does_not_fit_the_loss():
    model = _mlp(classes=4)
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError) as info:
        model.fit(np.zeros((8, 4)), np.zeros((8, 3)), verbose=0)
    message = str(info.value)
    assert "(8, 3)" in message and "categorical_crossentropy" in message and "4" in message


def test_sparse_labels_out_of_range():
    model = _mlp(classes=3)
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"\[0, 3\).*\[0, 7\]"):
        model.fit(np.zeros((8, 4)), np.array([0, 1, 2, 7, 0, 1, 2, 0]), verbose=0)


def test_empty_dataset():
    model = _mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="empty"):
        model.fit(np.zeros((0, 4)), np.zeros(0), verbose=0)


def test_empty_generator():
    model = _mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises((ValueError, StopIteration)):
        model.fit(iter([]), verbose=0)


def test_fit_before_compile():
    with pytest.raises(ValueError, match="compile"):  # Keras 3 raises ValueError too
        _mlp().fit(np.zeros((4, 4)), np.zeros(4), verbose=0)


def test_validation_data_without_targets():
    model = _mlp()
    model.compile(loss="mse")
    with pytest.raises(ValueError, match=r"validation_data holds inputs only"):
        model.fit(np.zeros((4, 4)), np.zeros(4), validation_data=np.zeros((2, 4)), verbose=0)


def test_wrong_input_width_names_model_and_shapes():
    model = _mlp()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError) as info:
        model.fit(np.zeros((8, 5)), np.zeros(8), verbose=0)
    assert "(None, 4)" in str(info.value) and "(8, 5)" in str(info.value)


def test_list_length_must_match_outputs():
    model = _mlp()
    with pytest.raises(ValueError, match=r"2 losses entries for a model with 1 output"):
        model.compile("sgd", loss=["mse", "mse"])
        model.fit(np.zeros((4, 4)), np.zeros((4, 3)), verbose=0)
