"""model.quantize("int8") on the note's MNIST model and ticket classifier: equal to Keras 3's
quantized model with the same weights (within 1e-3), close to the float model, a smaller
weights file, a .keras file Keras 3 loads, training continues on what Keras trains."""

import os
import sys
import warnings

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402

PARITY = 1e-3


def keras_mnist():
    inputs = keras.Input(shape=(784,))
    x = keras.layers.Dropout(0.5)(keras.layers.Dense(512, activation="relu")(inputs))
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


@pytest.fixture(scope="module")
def fitted():
    """Weights of the MNIST model fitted briefly, and its inputs (seeded: the closeness
    bounds below are measured on these weights)."""
    lamina.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((256, 784), dtype="float32")
    y = rng.integers(0, 10, 256)
    model = note.get_mnist_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    return model.get_weights(), x


def pair(fitted):
    """An uncompiled lamina MNIST model with the fitted weights, Keras's twin, the inputs."""
    weights, x = fitted
    model = note.get_mnist_model()
    model.predict(x[:1], verbose=0)
    model.set_weights(weights)
    twin = keras_mnist()
    twin.set_weights(weights)
    return model, twin, x


def quantize_quietly(model, mode="int8", **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.quantize(mode, **kwargs)


def test_mnist_int8_equals_keras_and_stays_close_to_float(fitted):
    model, twin, x = pair(fitted)
    float_out = model.predict(x, verbose=0)
    quantize_quietly(model)
    quantize_quietly(twin)
    assert [(w.dtype, tuple(w.shape)) for w in model.weights] == \
        [(str(w.dtype), tuple(w.shape)) for w in twin.weights]
    for mine, theirs in zip(model.weights, twin.weights):
        np.testing.assert_allclose(mine.numpy().astype("float32"),
                                   np.asarray(theirs).astype("float32"), atol=1e-6)
    out = model.predict(x, verbose=0)
    np.testing.assert_allclose(out, twin.predict(x, verbose=0), atol=PARITY, rtol=0)
    np.testing.assert_allclose(np.asarray(model(x[:5])), out[:5], atol=1e-6)
    # Per-channel int8 weights and per-row int8 activations: probabilities move by <2%.
    assert np.abs(out - float_out).max() < 0.02
    assert (out.argmax(1) == float_out.argmax(1)).mean() > 0.97


def test_quantized_files_are_smaller_and_load_in_keras(fitted, tmp_path):
    model, _, x = pair(fitted)
    model.save_weights(tmp_path / "float.weights.h5")
    quantize_quietly(model)
    model.save_weights(tmp_path / "int8.weights.h5")
    small = os.path.getsize(tmp_path / "int8.weights.h5")
    assert small < 0.3 * os.path.getsize(tmp_path / "float.weights.h5")
    model.save(tmp_path / "q.keras")
    want = model.predict(x, verbose=0)
    theirs = keras.saving.load_model(tmp_path / "q.keras")
    assert theirs.layers[1].quantization_mode == "int8"
    np.testing.assert_allclose(theirs.predict(x, verbose=0), want, atol=PARITY, rtol=0)
    mine = lamina.saving.load_model(tmp_path / "q.keras")
    assert mine.layers[1].quantization_mode == "int8"
    np.testing.assert_allclose(mine.predict(x, verbose=0), want, atol=1e-6, rtol=0)


@pytest.mark.slow
def test_lamina_loads_keras_quantized_ticket_model(tmp_path):
    model = note.ticket_model(vocabulary_size=50, num_tags=6)
    rng = np.random.default_rng(1)
    xs = [rng.integers(0, 2, (9, n)).astype("float32") for n in (50, 50, 6)]
    model.predict(xs, verbose=0)
    title = keras.Input((50,), name="title")
    body = keras.Input((50,), name="text_body")
    tags = keras.Input((6,), name="tags")
    f = keras.layers.Dense(64, activation="relu")(keras.layers.Concatenate()([title, body, tags]))
    twin = keras.Model([title, body, tags], [
        keras.layers.Dense(1, activation="sigmoid", name="priority")(f),
        keras.layers.Dense(4, activation="softmax", name="department")(f)])
    twin.set_weights(model.get_weights())
    quantize_quietly(twin)
    twin.save(tmp_path / "k.keras")
    mine = lamina.saving.load_model(tmp_path / "k.keras")
    for a, b in zip(mine.predict(xs, verbose=0), twin.predict(xs, verbose=0)):
        np.testing.assert_allclose(a, b, atol=PARITY, rtol=0)
    quantize_quietly(model)
    for a, b in zip(model.predict(xs, verbose=0), twin.predict(xs, verbose=0)):
        np.testing.assert_allclose(a, b, atol=PARITY, rtol=0)


def test_training_continues_on_the_float_weights_keras_trains(fitted):
    model, _, x = pair(fitted)
    quantize_quietly(model)
    y = np.random.default_rng(2).integers(0, 10, len(x))
    kernel = model.layers[1].kernel.numpy().copy()
    bias = model.layers[1].bias.numpy().copy()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=64, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    np.testing.assert_array_equal(model.layers[1].kernel.numpy(), kernel)  # int8: frozen
    assert np.abs(model.layers[1].bias.numpy() - bias).max() > 0  # biases learn
    assert [v.name for v in model.trainable_variables] == ["bias", "bias"]


def test_quantized_model_exports(fitted, tmp_path):
    model, _, x = pair(fitted)
    quantize_quietly(model)
    model.export(tmp_path / "q", format="jax", verbose=False)
    got = np.asarray(lamina.export.load(tmp_path / "q").serve(x[:7]))
    np.testing.assert_allclose(got, model.predict(x[:7], verbose=0), atol=1e-5, rtol=0)


def test_filters_pick_layers():
    model = note.get_mnist_model()
    model.predict(np.zeros((1, 784), "float32"), verbose=0)
    quantize_quietly(model, filters=lambda layer: layer is model.layers[-1])
    assert [getattr(layer, "quantization_mode", None) for layer in model.layers] == \
        [None, None, None, "int8"]
    model = note.get_mnist_model()
    model.predict(np.zeros((1, 784), "float32"), verbose=0)
    quantize_quietly(model, filters=model.layers[1].name)
    assert model.layers[1].quantization_mode == "int8"
    assert model.layers[3].quantization_mode is None


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="not built yet"):
        lamina.Sequential([lamina.layers.Dense(2)]).quantize("int8")
    model = note.get_mnist_model()
    model.predict(np.zeros((1, 784), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"Invalid quantization mode.*Received: mode=int9"):
        model.quantize("int9")
    with pytest.raises(ValueError, match=r"mode .gptq. is not available in lamina"):
        model.quantize("gptq")
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments.*'bits'"):
        model.quantize("int8", bits=8)
    with pytest.raises(ValueError, match="`filters` argument must be"):
        model.quantize("int8", filters=3)
    quantize_quietly(model)
    with pytest.raises(ValueError, match=r"already quantized with dtype_policy='int8_from_float32'"):
        model.layers[1].quantize("int8")


def test_layers_without_a_quantized_form():
    conv = lamina.layers.Conv2D(2, 3)
    conv.build((None, 8, 8, 1))
    with pytest.raises(ValueError, match=r"Conv2D \('conv2d.*'\) has no quantized form"):
        conv.quantize("int8")
    model = lamina.Sequential([lamina.Input((8, 8, 1)), conv, lamina.layers.Flatten(),
                               lamina.layers.Dense(3)])
    with pytest.warns(UserWarning, match="Conv2D .* has no quantized form"):
        model.quantize("int8")
    assert conv.quantization_mode is None and model.layers[-1].quantization_mode == "int8"
