"""A masked sequence classifier (Embedding -> LSTM -> Dense) trains like Keras 3's."""

import keras as real_keras
import numpy as np

import lamina as keras



def _data(n=64, steps=7, vocab=12):
    rng = np.random.default_rng(7)
    lengths = rng.integers(2, steps + 1, size=n)
    tokens = rng.integers(1, vocab, size=(n, steps)).astype("int32")
    tokens[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    labels = (tokens[:, 0] > vocab // 2).astype("float32")[:, None]
    return tokens, labels


def _model(lib):
    return lib.Sequential([
        lib.Input((7,), dtype="int32"),
        lib.layers.Embedding(12, 8, mask_zero=True),
        lib.layers.LSTM(6),
        lib.layers.Dense(1, activation="sigmoid"),
    ])


def test_sgd_epoch_matches_keras():
    x, y = _data()
    real_keras.utils.set_random_seed(0)
    ours, theirs = _model(keras), _model(real_keras)
    ours.set_weights(theirs.get_weights())
    for model, lib in ((ours, keras), (theirs, real_keras)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=1.0), loss="binary_crossentropy",
                      metrics=["accuracy"])
    h_ours = ours.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    h_theirs = theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(h_ours["loss"], h_theirs["loss"], atol=1e-4)
    np.testing.assert_allclose(h_ours["accuracy"], h_theirs["accuracy"], atol=1e-6)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-4)
    assert h_ours["loss"][2] < h_ours["loss"][0] - 0.01
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-4)
