"""lamina's losses give Keras 3's values: every loss, every reduction, several
sample_weight shapes, on random inputs."""

import os

import numpy as np
import pytest

import lamina.losses as L

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

N, C, T = 6, 4, 3
rng = np.random.default_rng(0)


def probs(*shape):
    x = rng.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


def one_hot(labels, c=C):
    return np.eye(c, dtype="float32")[labels]


def data(kind):
    """(y_true, y_pred) for a kind of target."""
    if kind == "regression":
        return rng.normal(size=(N, C)).astype("float32"), rng.normal(size=(N, C)).astype("float32")
    if kind == "positive":
        return rng.random((N, C)).astype("float32") * 3, rng.random((N, C)).astype("float32") * 3
    if kind == "binary":
        return rng.integers(0, 2, (N, 1)).astype("float32"), rng.random((N, 1)).astype("float32")
    if kind == "binary_flat":  # y_true (N,) against y_pred (N, 1)
        return rng.integers(0, 2, (N,)).astype("float32"), rng.random((N, 1)).astype("float32")
    if kind == "logits":
        return rng.integers(0, 2, (N, C)).astype("float32"), rng.normal(size=(N, C)).astype("float32")
    if kind == "onehot":
        return one_hot(rng.integers(0, C, N)), probs(N, C)
    if kind == "onehot_seq":
        return one_hot(rng.integers(0, C, (N, T))), probs(N, T, C)
    if kind == "sparse":
        return rng.integers(0, C, N), probs(N, C)
    if kind == "sparse_col":
        return rng.integers(0, C, (N, 1)), probs(N, C)
    if kind == "sparse_seq":
        return rng.integers(0, C, (N, T)), rng.normal(size=(N, T, C)).astype("float32")
    if kind == "distribution":
        return probs(N, C), probs(N, C)
    if kind == "signs":
        return rng.choice([-1.0, 1.0], (N, C)).astype("float32"), rng.normal(size=(N, C)).astype("float32")
    raise KeyError(kind)


# (class name, constructor kwargs, kind of data)
CASES = [
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {}, "regression"),
    ("Huber", {"delta": 0.3}, "regression"),
    ("LogCosh", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("CosineSimilarity", {"axis": 0}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {}, "binary_flat"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("BinaryFocalCrossentropy", {}, "binary"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5,
                                 "from_logits": True, "label_smoothing": 0.2}, "logits"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot_seq"),
    ("CategoricalCrossentropy", {"from_logits": True}, "logits"),
    ("CategoricalFocalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_seq"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_seq"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 0}, "sparse"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "logits"),
    ("Hinge", {}, "signs"),
    ("SquaredHinge", {}, "logits"),
    ("CategoricalHinge", {}, "onehot"),
    ("Dice", {}, "binary"),
    ("Dice", {"axis": (1,)}, "logits"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, "logits"),
    ("Tversky", {"alpha": 0.2, "beta": 0.8, "axis": (1,)}, "logits"),
]

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def weights_for(y_pred, which):
    if which is None:
        return None
    if which == "scalar":
        return 0.7
    if which == "per_sample":
        return rng.random(y_pred.shape[0]).astype("float32")
    if which == "column":
        return rng.random((y_pred.shape[0], 1)).astype("float32")
    if which == "full":  # one weight per per-sample value (drops the class axis)
        return rng.random(y_pred.shape[:-1]).astype("float32")
    raise KeyError(which)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=lambda v: str(v))
def test_loss_matches_keras(name, kwargs, kind, reduction):
    y_true, y_pred = data(kind)
    ours = getattr(L, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    # CosineSimilarity(axis=0) reduces the batch axis: only batch-free weights fit.
    weightings = (None, "scalar") if kwargs.get("axis") == 0 else (None, "scalar", "column", "full")
    for which in weightings:
        sw = weights_for(y_pred, which)
        expected = np.asarray(theirs(y_true, y_pred, sample_weight=sw))
        got = np.asarray(ours(y_true, y_pred, sample_weight=sw))
        assert got.shape == expected.shape, (which, got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5, err_msg=str(which))


FUNCTIONS = [
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "positive"),
    ("huber", {"delta": 2.0}, "regression"),
    ("log_cosh", {}, "regression"),
    ("cosine_similarity", {}, "regression"),
    ("binary_crossentropy", {"label_smoothing": 0.1}, "binary"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True}, "binary"),
    ("categorical_crossentropy", {"from_logits": True}, "logits"),
    ("categorical_focal_crossentropy", {"from_logits": True}, "logits"),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_seq"),
    ("kl_divergence", {}, "distribution"),
    ("poisson", {}, "positive"),
    ("hinge", {}, "logits"),
    ("squared_hinge", {}, "signs"),
    ("categorical_hinge", {}, "onehot"),
]


@pytest.mark.parametrize("name,kwargs,kind", FUNCTIONS, ids=lambda v: str(v))
def test_function_matches_keras(name, kwargs, kind):
    y_true, y_pred = data(kind)
    expected = np.asarray(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    got = np.asarray(getattr(L, name)(y_true, y_pred, **kwargs))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_per_sample_weight_on_sequence_values():
    """Keras needs (N, 1) here; lamina also takes (N,) and weighs whole samples."""
    y_true, y_pred = data("sparse_seq")
    sw = rng.random(N).astype("float32")
    loss = L.SparseCategoricalCrossentropy(from_logits=True)
    reference = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = np.asarray(reference(y_true, y_pred, sample_weight=sw[:, None]))
    np.testing.assert_allclose(np.asarray(loss(y_true, y_pred, sample_weight=sw)), expected,
                               rtol=1e-5)
