"""The Metric base class: the lecture note's custom metric (eagerly and in pure form
under jit), variable tracking, reset, lookup, serialization, and bad-input errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina import ops

rng = np.random.default_rng(5)


# The note's RootMeanSquaredError with `tf.*` replaced by `keras.ops.*` (and its
# `kwargs` typo read as `**kwargs`).
class RootMeanSquaredError(keras.metrics.Metric):

    def __init__(self, name="rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
        self.total_samples = self.add_weight(
            name="total_samples", initializer="zeros", dtype="int32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.one_hot(y_true, ops.shape(y_pred)[1])
        mse = ops.sum(ops.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        num_samples = ops.shape(y_pred)[0]
        self.total_samples.assign_add(num_samples)

    def result(self):
        return ops.sqrt(self.mse_sum / ops.cast(self.total_samples, "float32"))

    def reset_state(self):
        self.mse_sum.assign(0.)
        self.total_samples.assign(0)


def note_batches(n=4, size=32, classes=10):
    out = []
    for _ in range(n):
        logits = rng.normal(size=(size, classes)).astype("float32")
        probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        out.append((rng.integers(0, classes, size), probs))
    return out


def numpy_rmse(batches):
    squared = sum(((np.eye(p.shape[1])[t] - p) ** 2).sum() for t, p in batches)
    return np.sqrt(squared / sum(len(t) for t, _ in batches))


def test_note_rmse_eager():
    metric = RootMeanSquaredError()
    assert metric.name == "rmse"
    assert [v.path for v in metric.variables] == ["rmse/mse_sum", "rmse/total_samples"]
    assert metric.total_samples.dtype == "int32" and metric.mse_sum.dtype == "float32"
    assert not any(v.trainable for v in metric.variables)
    batches = note_batches()
    for t, p in batches:
        metric.update_state(t, p)
    np.testing.assert_allclose(float(metric.result()), numpy_rmse(batches), rtol=1e-5)
    assert int(metric.total_samples.numpy()) == 128
    metric.reset_state()
    assert float(metric.mse_sum.numpy()) == 0 and int(metric.total_samples.numpy()) == 0
    value = metric(*batches[0])  # __call__ = update_state + result
    np.testing.assert_allclose(float(value), numpy_rmse(batches[:1]), rtol=1e-5)


def test_note_rmse_pure_form_under_jit():
    metric = RootMeanSquaredError(name="rmse_jit")
    update = jax.jit(metric.stateless_update_state)
    values = metric.stateless_reset_state()
    batches = note_batches()
    for t, p in batches:
        values = update(values, t, p)
    assert values[1].dtype == jnp.int32 and int(values[1]) == 128
    np.testing.assert_allclose(float(jax.jit(metric.stateless_result)(values)),
                               numpy_rmse(batches), rtol=1e-5)
    # The Variables were not touched.
    assert float(metric.mse_sum.numpy()) == 0 and int(metric.total_samples.numpy()) == 0
    # stateless_reset_state runs the user's reset_state.
    metric.mse_sum.assign(3.0)
    assert [float(v) for v in metric.stateless_reset_state()] == [0.0, 0.0]


def test_pure_form_inside_scan():
    """The form a fused training loop uses: metric state as a lax.scan carry."""
    metric = keras.metrics.SparseCategoricalAccuracy()
    labels = rng.integers(0, 4, (5, 8))
    preds = rng.random((5, 8, 4)).astype("float32")

    def body(values, batch):
        return metric.stateless_update_state(values, *batch), None

    values, _ = jax.jit(lambda v, b: jax.lax.scan(body, v, b))(
        metric.stateless_reset_state(), (labels, preds))
    expected = (preds.argmax(-1) == labels).mean()
    np.testing.assert_allclose(float(metric.stateless_result(values)), expected, rtol=1e-6)


def test_wrong_number_of_values():
    metric = keras.metrics.Mean()
    with pytest.raises(ValueError, match=r"metric 'mean' has 2 variables but 1 values"):
        metric.stateless_update_state([0.0], [1.0])


def test_lazy_metric_needs_building_for_pure_form():
    metric = keras.metrics.AUC(multi_label=True)
    assert metric.variables == []
    with pytest.raises(ValueError, match="ensure_built"):
        metric.stateless_update_state([jnp.zeros((200, 3))] * 4, np.ones((4, 3)), np.ones((4, 3)))
    metric.ensure_built(jax.ShapeDtypeStruct((4, 3), "float32"),
                        jax.ShapeDtypeStruct((4, 3), "float32"))
    assert [v.shape for v in metric.variables] == [(200, 3)] * 4
    assert all(float(jnp.sum(v.value)) == 0 for v in metric.variables)


def test_super_init_required():
    class Broken(keras.metrics.Metric):
        def __init__(self):
            self.total = self.add_weight(name="total")

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_initializers_and_default_reset():
    class Counter(keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.ones = self.add_weight(shape=(2,), initializer="ones", name="ones")
            self.start = self.add_weight(initializer=5.0, name="start")
            self.fn = self.add_weight(shape=(3,), initializer=lambda s, dtype: jnp.full(s, 2.0, dtype))

        def update_state(self, x):
            self.start.assign_add(x)

        def result(self):
            return self.start.value

    metric = Counter()
    assert metric.name == "counter" and Counter().name == "counter_1"
    metric.update_state(2.0)
    assert float(metric.result()) == 7.0
    metric.reset_state()
    assert float(metric.result()) == 5.0
    np.testing.assert_array_equal(metric.ones.numpy(), [1, 1])
    np.testing.assert_array_equal(metric.fn.numpy(), [2, 2, 2])


def test_nested_metrics_are_tracked():
    class Both(keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="both")
            self.mean = keras.metrics.Mean(name="m")
            self.total = keras.metrics.Sum(name="s")

        def update_state(self, x):
            self.mean.update_state(x)
            self.total.update_state(x)

        def result(self):
            return {"mean": self.mean.result(), "sum": self.total.result()}

    metric = Both()
    assert [v.path for v in metric.variables] == ["m/total", "m/count", "s/total"]
    values = jax.jit(metric.stateless_update_state)(metric.stateless_reset_state(), jnp.arange(4.0))
    assert {k: float(v) for k, v in metric.stateless_result(values).items()} == {"mean": 1.5, "sum": 6.0}
    metric.update_state(np.arange(4.0))
    metric.reset_state()
    assert float(metric.result()["sum"]) == 0.0


def test_mean_metric_wrapper_with_custom_function():
    def abs_diff(y_true, y_pred, scale=1.0):
        return scale * jnp.abs(y_true - y_pred)

    metric = keras.metrics.MeanMetricWrapper(abs_diff, name="ad", scale=2.0)
    metric.update_state(np.array([1.0, 2.0]), np.array([0.0, 0.0]), sample_weight=np.array([1.0, 0.0]))
    assert float(metric.result()) == 2.0
    assert metric.get_config()["scale"] == 2.0


# ---- lookup and serialization --------------------------------------------------------------

@pytest.mark.parametrize("identifier,cls,name", [
    ("mae", "MeanAbsoluteError", "mean_absolute_error"),
    ("mean_absolute_error", "MeanAbsoluteError", "mean_absolute_error"),
    ("mse", "MeanSquaredError", "mean_squared_error"),
    ("AUC", "AUC", "auc"), ("auc", "AUC", "auc"),
    ("Precision", "Precision", "precision"), ("precision", "Precision", "precision"),
    ("Recall", "Recall", "recall"),
    ("categorical_accuracy", "CategoricalAccuracy", "categorical_accuracy"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", "sparse_categorical_accuracy"),
    ("binary_accuracy", "BinaryAccuracy", "binary_accuracy"),
    ("top_k_categorical_accuracy", "TopKCategoricalAccuracy", "top_k_categorical_accuracy"),
    ("accuracy", "Accuracy", "accuracy"),
    ("root_mean_squared_error", "RootMeanSquaredError", "root_mean_squared_error"),
    ("f1_score", "F1Score", "f1_score"),
])
def test_get_names(identifier, cls, name):
    metric = keras.metrics.get(identifier)
    assert type(metric).__name__ == cls and metric.name == name


def test_get_other_identifiers():
    metric = keras.metrics.AUC(name="my_auc")
    assert keras.metrics.get(metric) is metric
    assert isinstance(keras.metrics.get(keras.metrics.Recall), keras.metrics.Recall)
    assert keras.metrics.get(None) is None
    wrapped = keras.metrics.get(keras.losses.mean_squared_error)
    assert isinstance(wrapped, keras.metrics.MeanMetricWrapper) and wrapped.name == "mean_squared_error"
    from_dict = keras.metrics.get({"class_name": "AUC", "config": {"curve": "PR", "name": "pr"}})
    assert from_dict.curve == "PR" and from_dict.name == "pr"
    auto = [keras.metrics.AUC().name, keras.metrics.AUC().name]
    assert auto == ["auc", "auc_1"]


def test_unknown_metric_suggests_close_matches():
    with pytest.raises(ValueError, match=r"Unknown metric 'mean_absolut_error'\. Did you mean: "
                                         r"'mean_absolute_error'"):
        keras.metrics.get("mean_absolut_error")
    with pytest.raises(ValueError, match=r"Unknown metric 'rmse'"):
        keras.metrics.get("rmse")


@pytest.mark.parametrize("metric", [
    keras.metrics.AUC(curve="PR", num_thresholds=50, name="pr_auc"),
    keras.metrics.AUC(thresholds=[0.2, 0.6], multi_label=True, num_labels=3, label_weights=[1, 2, 3]),
    keras.metrics.Precision(thresholds=[0.3, 0.7], top_k=2, class_id=1),
    keras.metrics.PrecisionAtRecall(0.7, num_thresholds=11),
    keras.metrics.BinaryAccuracy(threshold=0.3),
    keras.metrics.SparseTopKCategoricalAccuracy(k=3),
    keras.metrics.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    keras.metrics.F1Score(average="macro", threshold=0.4),
    keras.metrics.R2Score(class_aggregation=None),
    keras.metrics.MeanMetricWrapper(keras.metrics.categorical_accuracy, name="acc"),
])
def test_serialize_round_trip(metric):
    config = keras.metrics.serialize(metric)
    assert config["module"] == "keras.metrics" and config["class_name"] == type(metric).__name__
    again = keras.metrics.deserialize(config)
    assert type(again) is type(metric) and again.get_config() == metric.get_config()


def test_keras_written_config_loads():
    config = {"module": "keras.metrics", "class_name": "AUC",
              "config": {"name": "auc_2", "dtype": "float32", "num_thresholds": 200,
                         "curve": "ROC", "summation_method": "interpolation",
                         "multi_label": False, "num_labels": None, "label_weights": None,
                         "from_logits": False}, "registered_name": None}
    metric = keras.metrics.deserialize(config)
    assert isinstance(metric, keras.metrics.AUC) and metric.name == "auc_2"


# ---- bad input --------------------------------------------------------------------------

def test_shape_errors_name_the_metric():
    with pytest.raises(ValueError, match=r"Metric 'categorical_accuracy': categorical_accuracy: "
                                         r"y_true shape \(8,\) does not match y_pred shape \(8, 3\)"):
        keras.metrics.CategoricalAccuracy().update_state(np.zeros(8), np.zeros((8, 3)))
    with pytest.raises(ValueError, match=r"Metric 'sparse_categorical_accuracy'.*one-hot"):
        keras.metrics.SparseCategoricalAccuracy().update_state(np.zeros((8, 3)), np.zeros((8, 3)))
    with pytest.raises(ValueError, match=r"Metric 'auc': y_true shape \(8, 2\) is incompatible "
                                         r"with y_pred shape \(8, 3\)"):
        keras.metrics.AUC().update_state(np.zeros((8, 2)), np.zeros((8, 3)))
    with pytest.raises(ValueError, match=r"Metric 'precision': sample_weight"):
        keras.metrics.Precision().update_state(np.zeros((8, 3)), np.zeros((8, 3)),
                                               sample_weight=np.ones(5))
    with pytest.raises(ValueError, match=r"Metric 'mean': sample_weight of shape \(3,\)"):
        keras.metrics.Mean().update_state(np.zeros(8), sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"Metric 'sparse_categorical_crossentropy'.*range \[0, 2\]"):
        keras.metrics.SparseCategoricalCrossentropy().update_state(np.array([0, 5]), np.ones((2, 3)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="Threshold values must be in"):
        keras.metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="invalid curve"):
        keras.metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="num_thresholds must be > 1"):
        keras.metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`recall` must be in"):
        keras.metrics.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="average must be one of"):
        keras.metrics.F1Score(average="mean")
    with pytest.raises(ValueError, match=r"multi_label=True needs y_pred of shape \(batch, labels\)"):
        keras.metrics.AUC(multi_label=True).update_state(np.zeros(4), np.zeros(4))


def test_mean_as_loss_tracker():
    """The trainer's use: a scalar batch loss weighted by the batch size."""
    metric = keras.metrics.Mean(name="loss")
    metric.update_state(2.0, sample_weight=32)
    metric.update_state(4.0, sample_weight=16)
    assert float(metric.result()) == pytest.approx((2.0 * 32 + 4.0 * 16) / 48)
    values = jax.jit(metric.stateless_update_state)(metric.stateless_reset_state(), jnp.float32(3.0),
                                                    sample_weight=8)
    assert float(metric.stateless_result(values)) == 3.0 and float(values[1]) == 8.0


def test_iou_per_sample_weights_spread_over_each_map():
    """Keras needs one weight per pixel; lamina also takes one per sample."""
    labels = rng.integers(0, 3, (4, 2, 2))
    preds = rng.integers(0, 3, (4, 2, 2))
    weights = np.array([1.0, 0.0, 2.0, 1.0], "float32")
    per_sample = keras.metrics.MeanIoU(3, dtype="float32")
    per_pixel = keras.metrics.MeanIoU(3, dtype="float32")
    per_sample.update_state(labels, preds, sample_weight=weights)
    per_pixel.update_state(labels, preds, sample_weight=np.broadcast_to(weights[:, None, None], (4, 2, 2)))
    np.testing.assert_allclose(per_sample.total_cm.numpy(), per_pixel.total_cm.numpy())
    with pytest.raises(ValueError, match=r"Metric 'mean_io_u_2': sample_weight shape \(3,\)"):
        keras.metrics.MeanIoU(3).update_state(labels, preds, sample_weight=np.ones(3, "int32"))
