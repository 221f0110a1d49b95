"""MultiOptimizer / OptimizerMap: per-variable optimizers, trained side by side with
Keras 3 (same weights and optimizer variables after 20 steps of fit)."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
Y = (X @ np.arange(10, dtype="float32").reshape(5, 2) / 10).astype("float32")
WEIGHTS = [np.random.default_rng(i).normal(size=s).astype("float32") * 0.5
           for i, s in enumerate([(5, 4), (4,), (4, 2), (2,)])]


def _model(k):
    model = k.Sequential([k.Input((5,)), k.layers.Dense(4, activation="tanh", name="enc"),
                          k.layers.Dense(2, name="head")], name="m")
    model.set_weights(WEIGHTS)
    return model


def _multi(k, **kwargs):
    mapping = k.optimizers.OptimizerMap(k.optimizers.SGD(0.05, momentum=0.9))
    mapping["m/head/.*"] = k.optimizers.Adam(0.01)
    return k.optimizers.MultiOptimizer(mapping, **kwargs)


def _fit(k, optimizer, epochs=5):
    model = _model(k)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(X, Y, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return model


def _assert_same(km, lm):
    for a, b in zip(km.get_weights(), lm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    # lamina's `variables` go on with optax's step counts; Keras's list comes first.
    kv, lv = km.optimizer.variables, lm.optimizer.keras_variable_layout()
    assert [v.name for v in lv] == [v.name for v in kv]
    for a, b in zip(kv, lv):
        np.testing.assert_allclose(np.asarray(b.numpy()), np.asarray(a.numpy()), rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, {"loss_scale_factor": 8.0}])
def test_fit_matches_keras(kwargs):
    km, lm = (_fit(k, _multi(k, **kwargs)) for k in (keras, lamina))
    _assert_same(km, lm)
    assert [type(o).__name__ for o in lm.optimizer.optimizers] == ["Adam", "SGD"]
    assert int(lm.optimizer.iterations.numpy()) == 20
    assert all(o.loss_scale_factor == kwargs.get("loss_scale_factor")
               for o in lm.optimizer.optimizers)


@pytest.mark.slow
def test_callable_selector_matches_keras():
    def selector_for(k):
        adam, sgd = k.optimizers.Adam(0.01), k.optimizers.SGD(0.1)
        return lambda v: adam if "kernel" in v.path else sgd

    km, lm = (_fit(k, k.optimizers.MultiOptimizer(selector_for(k))) for k in (keras, lamina))
    _assert_same(km, lm)


def test_optimizer_map_lookup_rules():
    sgd, adam, rms = (lamina.optimizers.SGD(), lamina.optimizers.Adam(),
                      lamina.optimizers.RMSprop())
    mapping = lamina.optimizers.OptimizerMap(rms)
    mapping["encoder/layer_0/dense"] = adam
    mapping["encoder/.*"] = sgd
    assert mapping["encoder/layer_0/dense"] is adam
    assert mapping["encoder/layer_0/attention/query"] is sgd
    assert mapping["decoder/dense"] is rms
    assert len(mapping) == 2 and list(mapping) == ["encoder/layer_0/dense", "encoder/.*"]
    mapping["enc.*"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        mapping["encoder/x"]
    with pytest.raises(ValueError, match="already exists"):
        mapping["enc.*"] = sgd
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        mapping["x"] = lamina.optimizers.LossScaleOptimizer(lamina.optimizers.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        lamina.optimizers.OptimizerMap("sgd")


def test_learning_rate_is_refused_and_weights_round_trip():
    lm = _fit(lamina, _multi(lamina), epochs=1)
    with pytest.raises(AttributeError, match="sub-optimizers|individual"):
        lm.optimizer.learning_rate
    with pytest.raises(AttributeError, match="individual"):
        lm.optimizer.learning_rate = 0.1
    fresh = _multi(lamina)
    fresh.build(lm.trainable_variables)
    fresh.set_weights([v.numpy() for v in lm.optimizer.keras_variable_layout()])
    for a, b in zip(lm.optimizer.keras_variable_layout(), fresh.keras_variable_layout()):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))


def _keras_list(optimizer):
    layout = getattr(optimizer, "keras_variable_layout", None)  # lamina: Keras's prefix
    return layout() if layout else optimizer.variables


@pytest.mark.parametrize("save_with,load_with", [("lamina", "lamina"), ("lamina", "keras"),
                                                 ("keras", "lamina")])
@pytest.mark.filterwarnings("error::UserWarning")
def test_save_load(tmp_path, save_with, load_with):
    spaces = {"lamina": lamina, "keras": keras}
    saver, loader = spaces[save_with], spaces[load_with]
    model = _fit(saver, _multi(saver), epochs=1)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = loader.saving.load_model(path)
    assert type(loaded.optimizer).__name__ == "MultiOptimizer"
    assert [type(o).__name__ for o in loaded.optimizer.optimizers] == ["Adam", "SGD"]
    for a, b in zip(_keras_list(model.optimizer), _keras_list(loaded.optimizer)):
        np.testing.assert_allclose(np.asarray(b.numpy()), np.asarray(a.numpy()), rtol=1e-6)
