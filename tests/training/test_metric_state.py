"""What model.metrics hold after fit / evaluate, as in Keras 3."""

import numpy as np

import lamina


def test_metrics_hold_the_last_validation_after_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = rng.integers(0, 3, 40)
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, lamina.layers.Dense(3, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seen = []
    hook = lamina.callbacks.LambdaCallback(
        on_test_begin=lambda logs: seen.append([float(m.result()) for m in model.metrics]))
    history = model.fit(x[:30], y[:30], batch_size=10, epochs=2, verbose=0,
                        validation_data=(x[30:], y[30:]), callbacks=[hook])
    assert seen == [[0.0, 0.0], [0.0, 0.0]]  # reset before each validation
    results = [float(m.result()) for m in model.metrics]
    np.testing.assert_allclose(results, [history.history["val_loss"][-1],
                                         history.history["val_accuracy"][-1]], rtol=1e-6)
