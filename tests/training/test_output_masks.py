"""A model whose output carries a Keras mask (Embedding(mask_zero=True), Masking):
compiled losses and the mean-of-a-function metrics leave the masked steps out, as Keras 3."""

import numpy as np
import pytest

import lamina


def _data():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 10, (24, 6))
    x[:, 4:] = 0
    x[::3, 3:] = 0
    return x, rng.integers(0, 3, (24, 6)), rng.random((24, 6)).astype("float32")


def _model(lib):
    rng = np.random.default_rng(1)
    inputs = lib.Input((6,), dtype="int32")
    hidden = lib.layers.Embedding(10, 4, mask_zero=True)(inputs)
    model = lib.Model(inputs, lib.layers.Dense(3, activation="softmax")(hidden))
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_masked_steps_are_left_out_like_numpy():
    x, y, sw = _data()
    model = _model(lamina)
    probs = model.predict(x, verbose=0)
    keep = x != 0
    nll = -np.log(np.take_along_axis(probs, y[..., None], -1)[..., 0])
    hits = (probs.argmax(-1) == y).astype("float32")
    logs = model.evaluate(x, y, batch_size=24, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], nll[keep].mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["accuracy"], hits[keep].mean(), rtol=1e-6)
    logs = model.evaluate(x, y, sample_weight=sw, batch_size=24, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], (nll * sw)[keep].sum() / keep.sum(), rtol=1e-5)
    per_sample = sw[:, 0]  # one weight per sequence, spread over its steps
    logs = model.evaluate(x, y, sample_weight=per_sample, batch_size=24, verbose=0,
                          return_dict=True)
    weights = np.broadcast_to(per_sample[:, None], x.shape)
    np.testing.assert_allclose(logs["loss"], (nll * weights)[keep].sum() / keep.sum(),
                               rtol=1e-5)


def test_masked_training_matches_keras():
    keras = pytest.importorskip("keras")
    x, y, sw = _data()
    results = []
    for lib in (lamina, keras):
        model = _model(lib)
        history = model.fit(x, y, sample_weight=sw, batch_size=8, epochs=2, verbose=0,
                            shuffle=False, validation_data=(x, y))
        results.append(history.history)
    # Keras 3 on JAX loses the mask of the training step's metrics (not its loss), so the
    # training accuracy is left out; the validation metrics are masked in both.
    for key in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(results[0][key], results[1][key], rtol=1e-5, err_msg=key)


def test_loss_call_with_a_mask():
    loss = lamina.losses.MeanSquaredError()
    y_true, y_pred = np.zeros((2, 3), "float32"), np.arange(6, dtype="float32").reshape(2, 3)
    mask = np.array([[True, True, False], [True, False, False]])
    per_step = lamina.losses.MeanSquaredError(reduction=None)(y_true[..., None], y_pred[..., None])
    np.testing.assert_allclose(loss(y_true[..., None], y_pred[..., None], mask=mask),
                               np.asarray(per_step)[mask].mean(), rtol=1e-6)
