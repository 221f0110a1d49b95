"""class_weight / sample_weight reach the training batches only as Keras applies them."""

import numpy as np
import pytest

import lamina


def _model(seed=0):
    rng = np.random.default_rng(seed)
    inputs = lamina.Input((6,))
    model = lamina.Model(inputs, lamina.layers.Dense(3, activation="softmax")(inputs))
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def test_class_weight_does_not_weigh_the_validation_split():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 6)).astype("float32")
    y = rng.integers(0, 3, 60)
    model = _model()
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  weighted_metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False,
                        validation_split=0.25, class_weight={0: 1.0, 1: 5.0, 2: 0.5})
    # Keras 3: the validation part (the last 15 rows) is unweighted.
    probs = model.predict(x[45:], verbose=0)
    expected = -np.mean(np.log(probs[np.arange(15), y[45:]]))
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)
    np.testing.assert_allclose(history.history["val_accuracy"][0],
                               np.mean(probs.argmax(-1) == y[45:]), rtol=1e-6)


def test_validation_split_keeps_the_sample_weights_of_its_rows():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)).astype("float32")
    y = rng.integers(0, 3, 40)
    sw = np.linspace(0.1, 2.0, 40).astype("float32")
    model = _model()
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, sample_weight=sw, batch_size=40, epochs=1, verbose=0,
                        validation_split=0.5)
    probs = model.predict(x[20:], verbose=0)
    per_row = -np.log(probs[np.arange(20), y[20:]]) * sw[20:]
    np.testing.assert_allclose(history.history["val_loss"][0], per_row.mean(), rtol=1e-5)


def test_evaluate_list_order_matches_keras_for_two_outputs():
    """Keras 3 lists loss, the per-output losses, then the prefixed metrics sorted."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    ya, yb = rng.normal(size=(20, 1)).astype("float32"), rng.normal(size=(20, 2)).astype("float32")
    results = []
    for lib in (lamina, keras):
        inputs = lib.Input((3,))
        model = lib.Model(inputs, [lib.layers.Dense(1, name="a")(inputs),
                                   lib.layers.Dense(2, name="b")(inputs)])
        model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
        model.compile(loss=["mse", "mae"], loss_weights=[0.3, 2.0],
                      metrics=[["mae"], ["mse", "mae"]])
        results.append(model.evaluate(x, [ya, yb], verbose=0))
        if lib is lamina:
            logs = model.evaluate(x, [ya, yb], verbose=0, return_dict=True)
            assert model.metrics_names == ["loss", "a_loss", "b_loss", "a_mae", "b_mae", "b_mse"]
            assert results[0] == [logs[k] for k in model.metrics_names]
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)
