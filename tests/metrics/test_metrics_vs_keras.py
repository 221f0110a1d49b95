"""Every metric's result equals Keras 3's over several batches of random data, with
and without sample_weight, and again after reset_state; and the pure (stateless)
form under jax.jit gives the same values as the eager one."""

import os

import jax
import numpy as np
import pytest

import lamina.metrics as M

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

B, C = 16, 5


def batch(kind, rng):
    """(y_true, y_pred) of one batch."""
    if kind == "binary":
        return rng.integers(0, 2, (B, 1)).astype("float32"), rng.random((B, 1)).astype("float32")
    if kind == "binary_flat":
        return rng.integers(0, 2, B).astype("float32"), rng.random(B).astype("float32")
    if kind == "multilabel":
        return rng.integers(0, 2, (B, C)).astype("float32"), rng.random((B, C)).astype("float32")
    if kind == "onehot":
        p = rng.random((B, C)).astype("float32") + 0.05
        return np.eye(C, dtype="float32")[rng.integers(0, C, B)], p / p.sum(-1, keepdims=True)
    if kind == "sparse":
        p = rng.random((B, C)).astype("float32") + 0.05
        return rng.integers(0, C, B), p / p.sum(-1, keepdims=True)
    if kind == "sparse_col":
        return rng.integers(0, C, (B, 1)), rng.random((B, C)).astype("float32")
    if kind == "labels":  # exact-match accuracy
        return rng.integers(0, 3, (B, 2)).astype("float32"), rng.integers(0, 3, (B, 2)).astype("float32")
    if kind == "regression":
        return rng.normal(size=(B, C)).astype("float32"), rng.normal(size=(B, C)).astype("float32")
    if kind == "positive":
        return rng.random((B, C)).astype("float32") * 2, rng.random((B, C)).astype("float32") * 2
    if kind == "class_ids":  # segmentation maps of class ids, 0..C (C is out of range)
        return rng.integers(0, C + 1, (B, 3)), rng.integers(0, C, (B, 3))
    if kind == "distribution":
        t, p = rng.random((B, C)) + 0.05, rng.random((B, C)) + 0.05
        return ((t / t.sum(-1, keepdims=True)).astype("float32"),
                (p / p.sum(-1, keepdims=True)).astype("float32"))
    raise KeyError(kind)


# (class name, kwargs, data kind)
CASES = [
    ("Mean", {}, "values"),
    ("Sum", {}, "values"),
    ("Accuracy", {}, "labels"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "multilabel"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_col"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("RootMeanSquaredError", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {}, "regression"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "regression"),
    ("Hinge", {}, "multilabel"),
    ("SquaredHinge", {}, "multilabel"),
    ("CategoricalHinge", {}, "onehot"),
    ("KLDivergence", {}, "distribution"),
    ("Poisson", {}, "positive"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "multilabel"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 2}, "sparse"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.7]}, "multilabel"),
    ("TrueNegatives", {}, "binary_flat"),
    ("FalseNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "multilabel"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "multilabel"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"thresholds": [i / 20 for i in range(20)]}, "multilabel"),
    ("Recall", {}, "binary"),
    ("Recall", {"top_k": 1, "class_id": 2}, "multilabel"),
    ("Recall", {"thresholds": [0.9, 0.1, 0.5, 0.33, 0.2, 0.05, 0.77, 0.6, 0.4, 0.12]}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.6}, "binary"),
    ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 50}, "multilabel"),
    ("SensitivityAtSpecificity", {"specificity": 0.4}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.7, "class_id": 3}, "multilabel"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "multilabel"),
    ("AUC", {"curve": "ROC", "summation_method": "minoring", "num_thresholds": 17}, "binary_flat"),
    ("AUC", {"curve": "PRGAIN", "num_thresholds": 31}, "binary"),
    ("AUC", {"multi_label": True}, "multilabel"),
    ("AUC", {"multi_label": True, "curve": "PR", "num_labels": C}, "multilabel"),
    ("AUC", {"multi_label": True, "label_weights": [1, 2, 0, 1, 3], "num_thresholds": 3},
     "multilabel"),
    ("AUC", {"num_thresholds": 2}, "multilabel"),
    ("AUC", {"thresholds": [0.3, 0.1, 0.8, 0.55]}, "multilabel"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75], "curve": "PR"}, "binary"),
    ("AUC", {"from_logits": True, "label_weights": [1, 0.5, 2, 1, 1]}, "multilabel"),
    ("F1Score", {}, "onehot"),
    ("F1Score", {"average": "micro", "threshold": 0.3}, "multilabel"),
    ("FBetaScore", {"average": "macro", "beta": 2.0}, "multilabel"),
    ("FBetaScore", {"average": "weighted", "beta": 0.5, "threshold": 0.5}, "multilabel"),
    ("IoU", {"num_classes": C, "target_class_ids": [0, 2, 3], "dtype": "float32"}, "class_ids"),
    ("MeanIoU", {"num_classes": C, "ignore_class": 1}, "class_ids"),
    ("MeanIoU", {"num_classes": C, "dtype": "float32"}, "class_ids"),
    ("BinaryIoU", {"threshold": 0.4, "dtype": "float32"}, "binary"),
    ("BinaryIoU", {"target_class_ids": [1]}, "binary_flat"),
    ("OneHotIoU", {"num_classes": C, "target_class_ids": [1, 4], "dtype": "float32"}, "onehot"),
    ("OneHotMeanIoU", {"num_classes": C}, "onehot"),
]


def run_batches(metric, kind, weighted, seed, n_batches=3, unit_weights=False):
    """Feed `n_batches` batches and collect the result after each."""
    rng = np.random.default_rng(seed)
    results = []
    for _ in range(n_batches):
        args = batch_args(kind, weighted, rng)
        sample_weight = np.ones(B, "float32") if unit_weights and not weighted else args[-1]
        metric.update_state(*args[:-1], sample_weight=sample_weight)
        results.append(np.asarray(metric.result()))
    return results


def batch_args(kind, weighted, rng):
    # Keras's IoU takes one weight per label, not per sample.
    shape = (B, 3) if kind == "class_ids" else (B,)
    sw = rng.random(shape).astype("float32") if weighted else None
    if kind == "values":
        return (rng.normal(size=(B, 3)).astype("float32"), sw)
    return (*batch(kind, rng), sw)


def case_id(case):
    name, kwargs, kind = case
    return f"{name}-{kind}-" + ",".join(f"{k}={v}" for k, v in kwargs.items())


@pytest.mark.filterwarnings("ignore:.*adjusted:UserWarning")  # R2Score after reset: no samples
@pytest.mark.filterwarnings("ignore:.*(float|integer).*:UserWarning")  # int IoU, float weights
@pytest.mark.filterwarnings("ignore:Explicitly requested dtype int64")  # Keras's own IoU
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_result_matches_keras(case, weighted):
    name, kwargs, kind = case
    ours = getattr(M, name)(**kwargs)
    theirs = getattr(keras.metrics, name)(**kwargs)
    # Keras leaves ignore_class entries in the count unless sample_weight is given;
    # lamina always leaves them out, so compare with Keras given unit weights.
    unit = name == "SparseCategoricalCrossentropy" and "ignore_class" in kwargs
    got = run_batches(ours, kind, weighted, seed=7)
    expected = run_batches(theirs, kind, weighted, seed=7, unit_weights=unit)
    for step, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5, err_msg=f"batch {step}")
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(np.asarray(ours.result()), np.asarray(theirs.result()),
                               rtol=1e-5, atol=1e-5, err_msg="after reset_state")
    again = run_batches(ours, kind, weighted, seed=8, n_batches=1)
    expected = run_batches(theirs, kind, weighted, seed=8, n_batches=1, unit_weights=unit)
    np.testing.assert_allclose(again[0], expected[0], rtol=1e-5, atol=1e-5, err_msg="after reset")


@pytest.mark.filterwarnings("ignore:.*adjusted:UserWarning")
@pytest.mark.filterwarnings("ignore:.*(float|integer).*:UserWarning")
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_pure_form_under_jit_matches_eager(case):
    name, kwargs, kind = case
    eager = getattr(M, name)(**kwargs)
    pure = getattr(M, name)(**kwargs)
    rng = np.random.default_rng(3)
    first = batch_args(kind, True, rng)
    pure.ensure_built(*first[:-1], sample_weight=first[-1])

    @jax.jit
    def step(values, args):
        return pure.stateless_update_state(values, *args[:-1], sample_weight=args[-1])

    values = pure.stateless_reset_state()
    rng = np.random.default_rng(3)
    for _ in range(3):
        args = batch_args(kind, True, rng)
        eager.update_state(*args[:-1], sample_weight=args[-1])
        values = step(values, args)
        np.testing.assert_allclose(np.asarray(pure.stateless_result(values)),
                                   np.asarray(eager.result()), rtol=1e-5, atol=1e-6)
    # The Variables themselves were not touched by the pure form.
    for variable, initial in zip(pure.variables, pure.stateless_reset_state()):
        np.testing.assert_array_equal(np.asarray(variable.value), np.asarray(initial))
    # A jitted result works too, and reset gives the fresh result.
    np.testing.assert_allclose(np.asarray(jax.jit(pure.stateless_result)(values)),
                               np.asarray(eager.result()), rtol=1e-5, atol=1e-6)
    eager.reset_state()
    np.testing.assert_allclose(np.asarray(pure.stateless_result(pure.stateless_reset_state())),
                               np.asarray(eager.result()))
