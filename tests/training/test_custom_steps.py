"""A model overriding train_step / test_step with Keras 3's JAX-backend signatures runs the
same code on lamina and on Keras 3, with the same results."""

import jax
import numpy as np
import pytest


def make_custom_model(lib):
    class CustomModel(lib.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lib.layers.Dense(1)
            self.loss_tracker = lib.metrics.Mean(name="loss")
            self.mae_metric = lib.metrics.MeanAbsoluteError(name="mae")

        def call(self, inputs, training=False):
            return self.dense(inputs)

        def compute_loss_and_updates(self, trainable, non_trainable, x, y, training=False):
            y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x,
                                                        training=training)
            return lib.ops.mean((y - y_pred) ** 2), (y_pred, non_trainable)

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_vars, metric_vars = state
            x, y = data
            grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable)), grads = grad_fn(trainable, non_trainable, x, y,
                                                             training=True)
            trainable, optimizer_vars = self.optimizer.stateless_apply(
                optimizer_vars, grads, trainable)
            loss_vars = self.loss_tracker.stateless_update_state(metric_vars[:2], loss)
            mae_vars = self.mae_metric.stateless_update_state(metric_vars[2:], y, y_pred)
            logs = {"loss": self.loss_tracker.stateless_result(loss_vars),
                    "mae": self.mae_metric.stateless_result(mae_vars)}
            return logs, (trainable, non_trainable, optimizer_vars, loss_vars + mae_vars)

        def test_step(self, state, data):
            trainable, non_trainable, metric_vars = state
            x, y = data
            loss, (y_pred, _) = self.compute_loss_and_updates(trainable, non_trainable, x, y)
            loss_vars = self.loss_tracker.stateless_update_state(metric_vars[:2], loss)
            mae_vars = self.mae_metric.stateless_update_state(metric_vars[2:], y, y_pred)
            logs = {"loss": self.loss_tracker.stateless_result(loss_vars),
                    "mae": self.mae_metric.stateless_result(mae_vars)}
            return logs, (trainable, non_trainable, loss_vars + mae_vars)

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    return CustomModel()


def test_custom_train_step_matches_keras():
    keras = pytest.importorskip("keras")
    import lamina

    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1))).astype("float32")
    results = {}
    weights = None
    for lib in (keras, lamina):
        model = make_custom_model(lib)
        model(x[:1])
        if weights is None:
            weights = model.get_weights()
        else:
            model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.05))
        history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        logs = model.evaluate(x, y, batch_size=16, return_dict=True, verbose=0)
        results[lib.__name__] = (history.history, logs, model.get_weights())
    (kh, kl, kw), (lh, ll, lw) = results["keras"], results["lamina"]
    assert set(lh) == {"loss", "mae"}
    for key in ("loss", "mae"):
        np.testing.assert_allclose(lh[key], kh[key], rtol=1e-5)
        np.testing.assert_allclose(ll[key], kl[key], rtol=1e-5)
    for a, b in zip(kw, lw):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def _functional_subclass(lib, rng):
    class GuideModel(lib.Model):
        """The guide's pattern: a Model subclass with train_step, built as M(inputs, outputs)."""

        def train_step(self, state, data):
            tv, ntv, ov, mv = state
            x, y = data

            def loss_fn(tv, ntv):
                y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
                return self.compute_loss(x, y, y_pred), (y_pred, ntv)

            (loss, (y_pred, ntv)), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv, ntv)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            logs, new_mv = {}, []
            for metric in self.metrics:
                n = len(metric.variables)
                values, mv = mv[:n], mv[n:]
                if metric.name == "loss":
                    values = metric.stateless_update_state(values, loss)
                else:
                    values = metric.stateless_update_state(values, y, y_pred)
                logs[metric.name] = metric.stateless_result(values)
                new_mv += list(values)
            return logs, (tv, ntv, ov, new_mv)

    inputs = lib.Input((4,))
    outputs = lib.layers.Dense(1)(lib.layers.Dense(8, activation="tanh")(inputs))
    model = GuideModel(inputs, outputs)
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_model_subclass_called_with_inputs_and_outputs_matches_keras():
    keras = pytest.importorskip("keras")
    import lamina

    data = np.random.default_rng(1).normal(size=(96, 4)).astype("float32")
    target = data @ np.array([[1.0], [2.0], [-1.0], [0.5]], "float32")
    histories = []
    for lib in (lamina, keras):
        model = _functional_subclass(lib, np.random.default_rng(0))
        assert type(model).__name__ == "GuideModel" and len(model.layers) == 3
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
        histories.append(model.fit(data, target, batch_size=32, epochs=2, verbose=0,
                                   shuffle=False).history)
    assert sorted(histories[0]) == sorted(histories[1]) == ["loss", "mae"]
    for key in histories[1]:
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-5)


def test_metrics_names_follow_an_overridden_metrics_property():
    import lamina

    class Tracked(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(1)
            self.loss_tracker = lamina.metrics.Mean(name="loss")
            self.mae_metric = lamina.metrics.MeanAbsoluteError(name="mae")

        def call(self, x):
            return self.dense(x)

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    model = Tracked()
    model.compile(loss="mse")
    assert model.metrics_names == ["loss", "mae"]  # Keras: [m.name for m in model.metrics]


def _own_logs_model(lib, kind):
    class OwnLogs(lib.Model):
        def train_step(self, state, data):
            if kind == "extra":  # the default step plus one more log
                logs, state = super().train_step(state, data)
                return dict(logs, wnorm=lib.ops.sum(state[0][0] ** 2)), state
            tv, ntv, ov, mv = state  # no metric updated: Keras reports these logs
            x, y = data

            def loss_fn(tv):
                y_pred, _ = self.stateless_call(tv, ntv, x, training=True)
                return lib.ops.mean((y_pred - y) ** 2)

            loss, grads = jax.value_and_grad(loss_fn)(tv)
            tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
            return {"my_loss": loss, "constant": 3.0}, (tv, ntv, ov, mv)

    inputs = lib.Input((4,))
    model = OwnLogs(inputs, lib.layers.Dense(1)(inputs))
    model.set_weights([np.ones((4, 1), "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    return model


@pytest.mark.parametrize("kind", ["extra", "own"])
def test_logs_a_train_step_returns_are_reported_like_keras(kind):
    keras = pytest.importorskip("keras")
    import lamina

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    results = []
    for lib in (lamina, keras):
        batches = []
        hook = lib.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: batches.append(dict(logs)))
        history = _own_logs_model(lib, kind).fit(x, x[:, :1], batch_size=16, epochs=2,
                                                 verbose=0, shuffle=False, callbacks=[hook])
        results.append((history.history, batches))
    (h_lamina, b_lamina), (h_keras, b_keras) = results
    assert sorted(h_lamina) == sorted(h_keras)
    for key in h_keras:
        np.testing.assert_allclose(h_lamina[key], h_keras[key], rtol=1e-5)
    assert len(b_lamina) == len(b_keras) == 4
    for got, want in zip(b_lamina, b_keras):
        assert got.keys() == want.keys()
        np.testing.assert_allclose([got[k] for k in want], [float(want[k]) for k in want],
                                   rtol=1e-5)


def test_a_step_returning_the_wrong_things_is_explained():
    import lamina

    class Reversed(lamina.Model):
        def train_step(self, state, data):
            logs, state = super().train_step(state, data)
            return state, logs

    class KerasTwo(lamina.Model):
        def train_step(self, data):
            return {}

    for cls, message in ((Reversed, r"must return \(logs, new_state\)"),
                         (KerasTwo, r"train_step\(state, data\)")):
        inputs = lamina.Input((2,))
        model = cls(inputs, lamina.layers.Dense(1)(inputs))
        model.compile(loss="mse")
        with pytest.raises((TypeError, ValueError), match=message):
            model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_compute_metrics_in_a_stateless_scope_matches_keras():
    """Keras 3's JAX pattern: compiled metrics updated by compute_metrics inside a
    StatelessScope over metrics_variables, their new values read back from the scope."""
    keras = pytest.importorskip("keras")
    import lamina

    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    results = []
    for lib in (lamina, keras):
        class ScopeModel(lib.Model):
            def train_step(self, state, data):
                tv, ntv, ov, mv = state
                x, y = data

                def loss_fn(tv, ntv):
                    y_pred, ntv = self.stateless_call(tv, ntv, x, training=True)
                    return self.compute_loss(x, y, y_pred), (y_pred, ntv)

                (_, (y_pred, ntv)), grads = jax.value_and_grad(loss_fn, has_aux=True)(tv, ntv)
                tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
                with lib.StatelessScope(state_mapping=list(zip(self.metrics_variables, mv))) \
                        as scope:
                    logs = self.compute_metrics(x, y, y_pred)
                return logs, (tv, ntv, ov, [scope.get_current_value(v)
                                            for v in self.metrics_variables])

        inputs = lib.Input((4,))
        model = ScopeModel(inputs, lib.layers.Dense(1, activation="sigmoid")(inputs))
        model.set_weights([np.full((4, 1), 0.2, "float32"), np.zeros(1, "float32")])
        model.compile(optimizer=lib.optimizers.SGD(0.5), loss="binary_crossentropy",
                      metrics=["accuracy", "auc"])
        history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        results.append((history.history, model.get_metrics_result()))
    (h_lamina, r_lamina), (h_keras, r_keras) = results
    assert sorted(h_lamina) == sorted(h_keras) == ["accuracy", "auc", "loss"]
    for key in h_keras:
        np.testing.assert_allclose(h_lamina[key], h_keras[key], rtol=1e-5, atol=1e-7)
    assert r_lamina.keys() == r_keras.keys()
    np.testing.assert_allclose([r_lamina[k] for k in r_keras], list(r_keras.values()), rtol=1e-5)
