"""SwapEMAWeights: validation and evaluation run on the optimizer's moving averages."""

import numpy as np
import pytest


def _fit(lib, swap_on_epoch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5)).astype("float32")
    y = rng.integers(0, 3, 60)
    inputs = lib.Input((5,))
    model = lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(inputs))
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.2, use_ema=True, ema_momentum=0.8),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x[:40], y[:40], batch_size=10, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[40:], y[40:]),
                        callbacks=[lib.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)])
    swapped = model.evaluate(x[40:], y[40:], verbose=0,
                             callbacks=[lib.callbacks.SwapEMAWeights()])
    return history.history, model.get_weights(), swapped


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_matches_keras(swap_on_epoch):
    keras = pytest.importorskip("keras")
    import lamina

    (h_lamina, w_lamina, e_lamina), (h_keras, w_keras, e_keras) = [
        _fit(lib, swap_on_epoch) for lib in (lamina, keras)]
    for key in h_keras:
        np.testing.assert_allclose(h_lamina[key], h_keras[key], rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(e_lamina, e_keras, rtol=1e-5)
    for a, b in zip(w_lamina, w_keras):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_requires_an_ema_optimizer():
    import lamina

    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), validation_data=(np.zeros((2, 2)),
                  np.zeros((2, 1))), callbacks=[lamina.callbacks.SwapEMAWeights()], verbose=0)
