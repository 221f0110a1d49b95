"""keras.wrappers: scikit-learn estimators around a model, side by side with Keras 3
(same weights in, same predictions out), and a clear ImportError without scikit-learn."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 4)).astype("float32")
Y_CLASS = np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)]
Y_REG = X @ np.array([1.0, -2.0, 0.5, 0.0], "float32")


def builder(k, units_out, activation, loss):
    def build(X, y, hidden=8):
        k.utils.set_random_seed(3)
        inputs = k.Input((X.shape[1],))
        h = k.layers.Dense(hidden, activation="relu", kernel_initializer="ones")(inputs)
        out = k.layers.Dense(y.shape[1] if y.ndim == 2 else units_out, activation=activation,
                             kernel_initializer="ones")(h)
        model = k.Model(inputs, out)
        model.compile(optimizer=k.optimizers.SGD(0.01), loss=loss)
        return model

    return build


def _both(cls_name, y, units_out, activation, loss, **fit):
    out = []
    for k in (keras, lamina):
        est = getattr(k.wrappers, cls_name)(
            model=builder(k, units_out, activation, loss), model_kwargs={"hidden": 6},
            fit_kwargs={"epochs": 2, "verbose": 0, "shuffle": False, "batch_size": 20})
        est.fit(X, y, **fit)
        out.append(est)
    return out


def test_classifier_matches_keras():
    ke, le = _both("SKLearnClassifier", Y_CLASS, 3, "softmax", "categorical_crossentropy")
    assert list(le.classes_) == list(ke.classes_) == ["a", "b", "c"]
    np.testing.assert_allclose(le.decision_function(X), ke.decision_function(X), rtol=1e-5,
                               atol=1e-6)
    assert (le.predict(X) == ke.predict(X)).all()
    assert le.epoch_ == 2
    assert 0 <= le.score(X, Y_CLASS) <= 1


def test_regressor_matches_keras():
    ke, le = _both("SKLearnRegressor", Y_REG, 1, None, "mse")
    np.testing.assert_allclose(le.predict(X), ke.predict(X), rtol=1e-5, atol=1e-5)
    assert le.predict(X).shape == (60,)


def test_transformer_matches_keras():
    ke, le = _both("SKLearnTransformer", Y_REG[:, None], 1, None, "mse")
    np.testing.assert_allclose(le.transform(X), ke.transform(X), rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_works_in_sklearn_tools():
    est = lamina.wrappers.SKLearnRegressor(
        builder(lamina, 1, None, "mse"), fit_kwargs={"epochs": 1, "verbose": 0})
    pipe = make_pipeline(StandardScaler(), est)
    scores = cross_val_score(pipe, X, Y_REG, cv=2)
    assert scores.shape == (2,)
    copy = clone(est)
    assert copy.model is est.model and copy.fit_kwargs == est.fit_kwargs


@pytest.mark.slow
def test_model_instance_is_cloned_and_warm_start_continues():
    model = builder(lamina, 1, None, "mse")(X, Y_REG)
    est = lamina.wrappers.SKLearnRegressor(model, fit_kwargs={"epochs": 1, "verbose": 0})
    est.fit(X, Y_REG)
    assert est.model_ is not model
    first = est.model_
    est.fit(X, Y_REG)
    assert est.model_ is not first
    warm = lamina.wrappers.SKLearnRegressor(model, warm_start=True,
                                            fit_kwargs={"epochs": 1, "verbose": 0})
    warm.fit(X, Y_REG)
    kept = warm.model_
    warm.fit(X, Y_REG)
    assert warm.model_ is kept
    assert int(kept.optimizer.iterations.numpy()) == 4  # 2 fits x 2 batches of 32


def test_bad_inputs():
    est = lamina.wrappers.SKLearnClassifier(builder(lamina, 3, "softmax", "mse"))
    with pytest.raises(ValueError, match="binary and multiclass"):
        est.fit(X, Y_REG)
    with pytest.raises(ValueError, match="only one class"):
        est.fit(X, np.zeros(60, int))
    uncompiled = lamina.wrappers.SKLearnRegressor(
        lambda X, y: lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(1)]))
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        uncompiled.fit(X, Y_REG)
