"""Same model, same initial weights, same data order: lamina's SGD epoch equals Keras 3's."""

import numpy as np
import pytest

import lamina


def _build(lib, seed_weights=None):
    model = lib.Sequential([lib.Input(shape=(784,)), lib.layers.Dense(64, activation="relu"),
                            lib.layers.Dense(10, activation="softmax")])
    if seed_weights is not None:
        model.set_weights(seed_weights)
    return model


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_sgd_epoch_matches_keras(optimizer):
    keras = pytest.importorskip("keras")
    (x, y), _ = lamina.datasets.mnist.load_data()
    x = x[:2048].reshape(-1, 784).astype("float32") / 255
    y = y[:2048]
    reference = _build(keras)
    weights = reference.get_weights()
    mine = _build(lamina, weights)
    make = {"sgd": lambda lib: lib.optimizers.SGD(learning_rate=0.1),
            "momentum": lambda lib: lib.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)}
    for lib, model in ((keras, reference), (lamina, mine)):
        model.compile(optimizer=make[optimizer](lib), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    h_ref = reference.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    h_mine = mine.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(reference.get_weights(), mine.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
    np.testing.assert_allclose(h_mine.history["loss"], h_ref.history["loss"], rtol=1e-4)
    np.testing.assert_allclose(h_mine.history["accuracy"], h_ref.history["accuracy"], atol=1e-6)


def test_convnet_sgd_epoch_matches_keras():
    """Conv2D/MaxPooling2D/Flatten training equals Keras 3's (custom conv gradients)."""
    keras = pytest.importorskip("keras")
    (x, y), _ = lamina.datasets.mnist.load_data()
    x = x[:512, :, :, None].astype("float32") / 255
    y = y[:512]

    def build(lib):
        return lib.Sequential([
            lib.Input(shape=(28, 28, 1)),
            lib.layers.Conv2D(8, 3, activation="relu"), lib.layers.MaxPooling2D(2),
            lib.layers.Conv2D(16, 3, activation="relu", padding="same"), lib.layers.MaxPooling2D(2),
            lib.layers.Flatten(), lib.layers.Dense(10, activation="softmax")])

    reference = build(keras)
    mine = build(lamina)
    mine.set_weights(reference.get_weights())
    for lib, model in ((keras, reference), (lamina, mine)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy")
    reference.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    mine.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(reference.get_weights(), mine.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
