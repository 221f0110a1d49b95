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
