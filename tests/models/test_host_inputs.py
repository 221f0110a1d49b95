"""Host-side layers in front of a model: string inputs through fit/evaluate/predict,
prepared once for arrays and per batch for batch sources, never entering XLA."""

import numpy as np
import pytest

import lamina as keras
from lamina.models import host_inputs

TEXTS = np.array(["a b", "b c", "c a", "a a"] * 4)
LABELS = np.array([0.0, 1.0, 1.0, 0.0] * 4)


def _model():
    vectorize = keras.layers.TextVectorization(vocabulary=["a", "b", "c"],
                                              output_sequence_length=2)
    words = keras.Input(shape=(), dtype="string", name="words")
    scale = keras.Input(shape=(1,), name="scale")
    x = keras.layers.Flatten()(keras.layers.Embedding(5, 2)(vectorize(words)))
    x = keras.layers.Concatenate()([x, scale])
    model = keras.Model({"words": words, "scale": scale}, keras.layers.Dense(1)(x))
    model.compile("sgd", "mse")
    return model


def test_split_and_prepared_batches():
    model = _model()
    split = model._host
    assert [n.layer.name for n in split.host_nodes] == [model.layers[1].name]
    assert len(split.device_inputs) == 2  # the ids and the numeric input
    prepared = host_inputs.prepare_batch(model, {"words": TEXTS[:2], "scale": np.ones((2, 1))})
    assert host_inputs.is_prepared(prepared)
    np.testing.assert_array_equal(prepared["lamina_host_input:0"], [[2, 3], [3, 4]])
    # a prepared batch skips the host layer; the raw one runs it: same outputs
    raw = {"words": TEXTS[:2], "scale": np.ones((2, 1))}
    np.testing.assert_allclose(model(prepared), model(raw), rtol=1e-6)


def test_every_kind_of_data_gives_the_same_numbers():
    model = _model()
    x = {"words": TEXTS, "scale": np.ones((16, 1))}
    expected = model.predict(x, verbose=0)

    class Batches(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=2)

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"words": TEXTS[i * 4:(i + 1) * 4], "scale": np.ones((4, 1))},

    generator = (({"words": TEXTS[i:i + 4], "scale": np.ones((4, 1))},) for i in range(0, 16, 4))
    for data in (Batches(), generator):
        np.testing.assert_allclose(model.predict(data, verbose=0), expected, rtol=1e-5)
    history = model.fit(x, LABELS, epochs=2, batch_size=4, verbose=0, validation_split=0.25)
    assert len(history.history["val_loss"]) == 2
    assert np.isfinite(model.evaluate(x, LABELS, verbose=0))
    assert np.isfinite(model.train_on_batch(x, LABELS))


def test_strings_reaching_a_compiled_layer_are_an_error():
    words = keras.Input(shape=(1,), dtype="string")
    lookup = keras.layers.StringLookup(vocabulary=["a"])(words)
    with pytest.raises(ValueError, match="strings can only feed host-side"):
        keras.Model(words, [lookup, keras.layers.Identity()(words)])
    numbers = keras.Input(shape=(2,))
    model = keras.Model([words, numbers], [lookup, numbers])
    with pytest.raises(TypeError, match="expects float32 values; got strings"):
        model.predict([np.array([["a"]]), np.array([["x", "y"]])], verbose=0)
