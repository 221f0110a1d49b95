"""Loss lookup, serialization, subclassing, jit, and the errors for bad input."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina.losses as L

rng = np.random.default_rng(1)


def test_get_strings_functions_and_classes():
    assert L.get("mse") is L.mean_squared_error
    assert L.get("mean_squared_error") is L.mean_squared_error
    assert L.get("categorical_crossentropy") is L.categorical_crossentropy
    assert L.get("binary_crossentropy") is L.binary_crossentropy
    assert L.get("MAE") is L.mean_absolute_error
    assert isinstance(L.get("MeanSquaredError"), L.MeanSquaredError)
    assert isinstance(L.get(L.Huber), L.Huber)
    loss = L.CategoricalCrossentropy()
    assert L.get(loss) is loss
    fn = lambda y_true, y_pred: y_pred  # noqa: E731
    assert L.get(fn) is fn
    assert L.get(None) is None
    cfg = L.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(cfg, L.CategoricalCrossentropy) and cfg.from_logits


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"Unknown loss 'mean_sqared_error'\. Did you mean: "
                                         r"'mean_squared_error'"):
        L.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Unknown loss 'zzz'"):
        L.get("zzz")
    with pytest.raises(ValueError, match="Could not interpret"):
        L.get(3)


@pytest.mark.parametrize("loss", [
    L.MeanSquaredError(name="m"), L.Huber(delta=0.5), L.BinaryCrossentropy(from_logits=True),
    L.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum"),
    L.BinaryFocalCrossentropy(gamma=3.0, apply_class_balancing=True),
])
def test_serialize_round_trip(loss):
    config = L.serialize(loss)
    assert config["module"] == "keras.losses"
    assert config["class_name"] == type(loss).__name__
    again = L.deserialize(config)
    assert type(again) is type(loss)
    assert again.get_config() == loss.get_config()


def test_serialize_function_and_wrapper():
    config = L.serialize(L.mean_squared_error)
    assert config["class_name"] == "function" and config["config"] == "mean_squared_error"
    keras_style = {"module": "builtins", "class_name": "function",
                   "config": "mean_squared_error", "registered_name": "function"}
    assert L.deserialize(keras_style) is L.mean_squared_error
    assert L.deserialize(config) is L.mean_squared_error
    wrapper = L.LossFunctionWrapper(L.huber, name="h", delta=2.0)
    again = L.deserialize(L.serialize(wrapper))
    assert again.fn is L.huber and again.get_config() == wrapper.get_config()


def test_keras_configs_load():
    """Config dicts as Keras 3 writes them."""
    config = {"module": "keras.losses", "class_name": "BinaryCrossentropy",
              "config": {"name": "binary_crossentropy", "reduction": "sum_over_batch_size",
                         "from_logits": False, "label_smoothing": 0.0, "axis": -1},
              "registered_name": None}
    assert isinstance(L.deserialize(config), L.BinaryCrossentropy)


def test_options_exposed_as_attributes():
    loss = L.BinaryCrossentropy(from_logits=True, label_smoothing=0.2)
    assert loss.from_logits is True and loss.label_smoothing == 0.2 and loss.axis == -1
    assert loss.name == "binary_crossentropy" and loss.reduction == "sum_over_batch_size"


def test_subclass_with_call():
    class Cubed(L.Loss):
        def call(self, y_true, y_pred):
            return jnp.mean(jnp.abs(y_true - y_pred) ** 3, axis=-1)

    loss = Cubed()
    assert loss.name.startswith("cubed")
    y_true, y_pred = np.ones((4, 2)), np.zeros((4, 2))
    assert float(loss(y_true, y_pred)) == pytest.approx(1.0)
    assert float(loss(y_true, y_pred, sample_weight=np.array([1, 1, 0, 0]))) == pytest.approx(0.5)
    assert Cubed(reduction="none")(y_true, y_pred).shape == (4,)


def test_invalid_reduction():
    with pytest.raises(ValueError, match="Invalid reduction 'avg'"):
        L.MeanSquaredError(reduction="avg")


def test_jit_and_grad():
    loss = L.SparseCategoricalCrossentropy(from_logits=True)
    labels = rng.integers(0, 5, 8)
    logits = rng.normal(size=(8, 5)).astype("float32")
    eager = loss(labels, logits)
    jitted = jax.jit(loss.__call__)(labels, logits)
    np.testing.assert_allclose(jitted, eager, rtol=1e-6)
    grad = jax.grad(lambda z: loss(labels, z))(jnp.asarray(logits))
    expected = (jax.nn.softmax(logits) - np.eye(5)[labels]) / 8
    np.testing.assert_allclose(grad, expected, atol=1e-6)


def test_ignore_class_gradient_is_finite():
    loss = L.SparseCategoricalCrossentropy(ignore_class=0)
    labels = np.array([0, 1, 2, 0])
    probs = np.full((4, 3), 1 / 3, "float32")
    grad = jax.grad(lambda p: loss(labels, p))(jnp.asarray(probs))
    assert np.isfinite(np.asarray(grad)).all()
    assert float(loss(labels, probs)) == pytest.approx(np.log(3), rel=1e-5)


def test_compute_dtype():
    loss = L.MeanSquaredError(dtype="bfloat16")
    out = loss(np.ones((2, 2)), np.zeros((2, 2)))
    assert out.dtype == jnp.bfloat16 and loss.get_config()["dtype"] == "bfloat16"


# ---- bad input ---------------------------------------------------------------------------

def test_categorical_crossentropy_with_integer_labels():
    with pytest.raises(ValueError, match=r"categorical_crossentropy: y_true shape \(8,\) does not "
                                         r"match y_pred shape \(8, 4\).*sparse_categorical"):
        L.CategoricalCrossentropy()(np.arange(8) % 4, rng.random((8, 4)))


def test_shape_error_is_raised_at_trace_time():
    fn = jax.jit(lambda t, p: L.categorical_crossentropy(t, p))
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        fn(jnp.zeros(8), jnp.zeros((8, 4)))


def test_sparse_with_one_hot_labels():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: y_true shape \(8, 4\) "
                                         r"does not fit y_pred shape \(8, 4\).*one-hot"):
        L.sparse_categorical_crossentropy(np.eye(4)[np.arange(8) % 4], rng.random((8, 4)))


def test_sparse_label_out_of_range():
    with pytest.raises(ValueError, match=r"labels must be in the range \[0, 3\] for 4 classes; got 4, 7"):
        L.SparseCategoricalCrossentropy()(np.array([0, 4, 7, 1]), rng.random((4, 4)))
    with pytest.raises(ValueError, match=r"got -1"):
        L.sparse_categorical_crossentropy(np.array([-1, 0]), rng.random((2, 4)))
    # ignore_class is not a bad label
    L.sparse_categorical_crossentropy(np.array([-1, 0]), rng.random((2, 4)), ignore_class=-1)
    # traced labels are not checked (and do not fail)
    jax.jit(L.sparse_categorical_crossentropy)(jnp.array([9, 0]), jnp.ones((2, 4)))


def test_binary_and_regression_shape_errors():
    with pytest.raises(ValueError, match=r"binary_crossentropy: y_true shape \(8, 2\) does not match"):
        L.BinaryCrossentropy()(np.zeros((8, 2)), np.zeros((8, 3)))
    with pytest.raises(ValueError, match=r"mean_squared_error: y_true shape \(8, 2\) is incompatible "
                                         r"with y_pred shape \(8, 3\)"):
        L.MeanSquaredError()(np.zeros((8, 2)), np.zeros((8, 3)))


def test_bad_sample_weight_shape_names_the_loss():
    with pytest.raises(ValueError, match=r"Loss 'mean_squared_error': sample_weight of shape \(5,\)"):
        L.MeanSquaredError()(np.zeros((8, 2)), np.zeros((8, 2)), sample_weight=np.ones(5))
