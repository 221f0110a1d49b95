"""Optimizers written the Keras 3 way (`build` + `add_variable*` + `update_step`) train
on lamina exactly as on Keras: one class source, defined over either namespace."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def define_optimizers(k):
    """A momentum SGD and an Adam written against `k` (keras or lamina), same source."""

    class MomentumSGD(k.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, name="momentum_sgd", **kwargs):
            super().__init__(learning_rate=learning_rate, name=name, **kwargs)
            self.momentum = momentum

        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

        def update_step(self, gradient, variable, learning_rate):
            lr = k.ops.cast(learning_rate, variable.dtype)
            m = self.momentums[self._get_variable_index(variable)]
            self.assign(m, self.momentum * m - lr * gradient)
            self.assign_add(variable, m)

        def get_config(self):
            config = super().get_config()
            config["momentum"] = self.momentum
            return config

    class KerasWayAdam(k.optimizers.Optimizer):
        def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                     name="keras_way_adam", **kwargs):
            super().__init__(learning_rate=learning_rate, name=name, **kwargs)
            self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.ms, self.vs = self.add_optimizer_variables(var_list, ["m", "v"])
            self.step_count = self.add_variable((), initializer="zeros", dtype="float32",
                                                name="step_count")

        def update_step(self, gradient, variable, learning_rate):
            lr = k.ops.cast(learning_rate, variable.dtype)
            t = k.ops.cast(self.iterations + 1, variable.dtype)
            i = self._get_variable_index(variable)
            m, v = self.ms[i], self.vs[i]
            self.assign_add(m, (gradient - m) * (1 - self.beta_1))
            self.assign_add(v, (k.ops.square(gradient) - v) * (1 - self.beta_2))
            alpha = lr * k.ops.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
            self.assign_sub(variable, alpha * m / (k.ops.sqrt(v) + self.epsilon))
            if i == 0:
                self.assign_add(self.step_count, 1.0)

        def get_config(self):
            config = super().get_config()
            config.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
            return config

    return {"sgd": MomentumSGD, "adam": KerasWayAdam}


DATA = np.random.default_rng(0).normal(size=(64, 5)).astype("float32")
TARGET = (DATA @ np.arange(10, dtype="float32").reshape(5, 2) / 10).astype("float32")


def _model(k, weights=None):
    model = k.Sequential([k.Input((5,)), k.layers.Dense(4, activation="tanh"),
                          k.layers.Dense(2)])
    if weights is not None:
        model.set_weights(weights)
    return model


def _train_both(kind, epochs=5, lr_for=None, **opt_kwargs):
    """5 epochs x 4 batches = 20 steps of `fit` on both; returns the two models.
    `lr_for(k)`: the learning rate to use with namespace `k` (e.g. a schedule)."""
    weights = [np.random.default_rng(i).normal(size=s).astype("float32") * 0.5
               for i, s in enumerate([(5, 4), (4,), (4, 2), (2,)])]
    models = []
    for k in (keras, lamina):
        extra = {"learning_rate": lr_for(k)} if lr_for else {}
        opt = define_optimizers(k)[kind](**opt_kwargs, **extra)
        model = _model(k, weights)
        model.compile(optimizer=opt, loss="mse")
        model.fit(DATA, TARGET, batch_size=16, epochs=epochs, shuffle=False, verbose=0)
        models.append(model)
    return models


def _assert_same(km, lm):
    for a, b in zip(km.get_weights(), lm.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    kv, lv = km.optimizer.variables, lm.optimizer.variables
    assert [v.path for v in lv] == [v.path for v in kv]
    for a, b in zip(kv, lv):
        np.testing.assert_allclose(np.asarray(b.numpy()), np.asarray(a.numpy()),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_fit_matches_keras(kind):
    km, lm = _train_both(kind, learning_rate=0.05)
    assert int(lm.optimizer.iterations.numpy()) == 20
    _assert_same(km, lm)


@pytest.mark.parametrize("opt_kwargs", [
    {"weight_decay": 0.1, "clipnorm": 0.5},
    {"global_clipnorm": 0.3, "use_ema": True, "ema_overwrite_frequency": 3},
    {"clipvalue": 0.05, "gradient_accumulation_steps": 3, "loss_scale_factor": 4.0},
])
def test_base_options_match_keras(opt_kwargs):
    km, lm = _train_both("sgd", learning_rate=0.05, **opt_kwargs)
    _assert_same(km, lm)


def test_schedule_learning_rate_matches_keras():
    km, lm = _train_both(
        "adam", lr_for=lambda k: k.optimizers.schedules.ExponentialDecay(0.1, 4, 0.5))
    names = [v.name for v in lm.optimizer.variables]
    assert names[0] == "iteration" and names[1].endswith("dense_kernel_m")
    _assert_same(km, lm)


def test_variables_names_and_slots():
    opt = define_optimizers(lamina)["adam"](use_ema=True)
    model = _model(lamina)
    opt.build(model.trainable_variables)
    names = [v.name for v in opt.variables]
    assert names[:2] == ["iteration", "learning_rate"]
    assert names[2].endswith("kernel_average") and names[-1] == "step_count"
    assert names[6].endswith("kernel_m") and names[7].endswith("kernel_v")
    assert opt.variables[6].shape == (5, 4)


@pytest.mark.parametrize("save_with,load_with", [("lamina", "keras"), ("keras", "lamina")])
def test_save_load_across(tmp_path, save_with, load_with):
    spaces = {"lamina": lamina, "keras": keras}
    saver, loader = spaces[save_with], spaces[load_with]
    model = _model(saver)
    model.compile(optimizer=define_optimizers(saver)["sgd"](learning_rate=0.05), loss="mse")
    model.fit(DATA, TARGET, batch_size=16, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    cls = define_optimizers(loader)["sgd"]
    loaded = loader.saving.load_model(path, custom_objects={"MomentumSGD": cls})
    assert isinstance(loaded.optimizer, cls)
    assert loaded.optimizer.momentum == 0.9
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_allclose(np.asarray(b.numpy()), np.asarray(a.numpy()), rtol=1e-6)
    # Training continues identically from the loaded state.
    model.fit(DATA, TARGET, batch_size=16, epochs=1, verbose=0, shuffle=False)
    loaded.fit(DATA, TARGET, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_apply_outside_fit_and_stateless_apply():
    opt = define_optimizers(lamina)["sgd"](learning_rate=0.1, momentum=0.5)
    w = lamina.Variable(np.ones(3, "float32"), name="w")
    opt.apply([np.full(3, 2.0, "float32")], [w])
    opt.apply([np.full(3, 2.0, "float32")], [w])
    # m1 = -0.2, w1 = 0.8; m2 = 0.5*-0.2 - 0.2 = -0.3, w2 = 0.5
    np.testing.assert_allclose(w.numpy(), np.full(3, 0.5), rtol=1e-6)
    new_w, new_opt = opt.stateless_apply([v.value for v in opt.variables],
                                        [np.ones(3, "float32")], [w.value])
    np.testing.assert_allclose(np.asarray(new_w[0]), np.full(3, 0.5 - 0.25), rtol=1e-6)
    assert int(new_opt[0]) == 3 and int(opt.iterations.numpy()) == 2


def test_missing_update_step_is_a_clear_error():
    class NoRule(lamina.optimizers.Optimizer):
        def build(self, var_list):
            super().build(var_list)

    opt = NoRule(learning_rate=0.1)
    w = lamina.Variable(np.ones(2, "float32"))
    with pytest.raises(TypeError, match="NoRule"):
        opt.apply([np.ones(2, "float32")], [w])
