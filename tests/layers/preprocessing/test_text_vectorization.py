"""TextVectorization against Keras 3 + TensorFlow's outputs (fixtures/make_text_fixtures.py)."""

import json
import os

import numpy as np
import pytest

import lamina as keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
REF = np.load(os.path.join(FIXTURES, "text_reference.npz"))
with open(os.path.join(FIXTURES, "text_reference.json"), encoding="utf-8") as _f:
    META = json.load(_f)
CORPUS = np.array(META["corpus"])
QUERIES = np.array(META["queries"])
CASES = sorted(k for k in META if k.startswith("tv_"))


def _kwargs(name):
    kwargs = dict(META[name]["kwargs"])
    if isinstance(kwargs.get("ngrams"), list):
        kwargs["ngrams"] = tuple(kwargs["ngrams"])
    return kwargs


@pytest.mark.parametrize("name", CASES)
def test_adapt_and_call_match_keras(name):
    layer = keras.layers.TextVectorization(**_kwargs(name))
    layer.adapt(CORPUS)
    assert layer.get_vocabulary() == META[name]["vocabulary"]
    assert layer.vocabulary_size() == META[name]["vocabulary_size"]
    np.testing.assert_allclose(np.asarray(layer(QUERIES)), REF[name], rtol=1e-6)


def test_adapt_accepts_lists_iterables_and_batches():
    reference = keras.layers.TextVectorization()
    reference.adapt(CORPUS)
    for data in (CORPUS.tolist(), [CORPUS[:3], CORPUS[3:]], iter([CORPUS[:5], CORPUS[5:]]),
                 [(CORPUS[:4], np.zeros(4)), (CORPUS[4:], np.zeros(4))], CORPUS[:, None]):
        layer = keras.layers.TextVectorization()
        layer.adapt(data)
        assert layer.get_vocabulary() == reference.get_vocabulary()


def test_given_vocabulary_shapes_and_idf():
    given = keras.layers.TextVectorization(vocabulary=["cat", "the", "dog"],
                                           output_sequence_length=5)
    np.testing.assert_array_equal(given(QUERIES), REF["tv_given"])
    np.testing.assert_array_equal(given(np.array([["the cat"], ["dog x"]])), REF["tv_2d_input"])
    np.testing.assert_array_equal(given(np.array("the dog cat")), REF["tv_scalar"])
    nosplit = keras.layers.TextVectorization(vocabulary=["cat", "the"], split=None)
    np.testing.assert_array_equal(nosplit(np.array([["the", "cat", "x"], ["cat", "", ""]])),
                                  REF["tv_split_none"])
    idf = keras.layers.TextVectorization(output_mode="tf_idf", vocabulary=["cat", "the", "dog"],
                                         idf_weights=[0.5, 0.25, 2.0])
    np.testing.assert_allclose(idf(QUERIES), REF["tv_tf_idf_given"], rtol=1e-6)


def test_standardize_and_split_callables():
    layer = keras.layers.TextVectorization(
        standardize=lambda x: np.char.replace(np.char.upper(x), "-", " "),
        split=lambda x: [s.split(" ") for s in x.tolist()], output_sequence_length=3)
    layer.adapt(["a-b b", "b-c"])
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    np.testing.assert_array_equal(layer(np.array(["c-a", "z"])), [[3, 4, 0], [1, 0, 0]])


def test_output_shapes_and_dtypes_in_a_model():
    layer = keras.layers.TextVectorization(max_tokens=10, output_mode="multi_hot",
                                           pad_to_max_tokens=True)
    out = layer(keras.Input(shape=(1,), dtype="string"))
    assert out.shape == (None, 10) and out.dtype == "float32"
    ints = keras.layers.TextVectorization(output_sequence_length=7)
    out = ints(keras.Input(shape=(1,), dtype="string"))
    assert out.shape == (None, 7) and out.dtype == "int32"


def test_text_model_fits_and_predicts_through_the_layer():
    texts = np.array(["good movie", "bad movie", "great film", "awful film"] * 8)
    labels = np.array([1, 0, 1, 0] * 8)
    vectorize = keras.layers.TextVectorization(max_tokens=12, output_sequence_length=3)
    vectorize.adapt(texts)
    inputs = keras.Input(shape=(1,), dtype="string")
    x = keras.layers.Embedding(12, 4)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(texts[:, None], labels, epochs=40, batch_size=8, verbose=0,
                        validation_data=(texts[:4, None], labels[:4]))
    assert history.history["accuracy"][-1] == 1.0
    queries = np.array([["good film"], ["awful movie"]])
    predicted = model.predict(queries, verbose=0)
    # the same numbers from the layers called one by one on the host
    ids = np.asarray(vectorize(queries))
    manual = model.layers[-1](model.layers[-2](model.layers[-3](ids)))
    np.testing.assert_allclose(predicted, np.asarray(manual), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(model(queries)), predicted, rtol=1e-5)
    assert predicted[0, 0] > 0.5 > predicted[1, 0]
    batches = [(texts[i:i + 8, None], labels[i:i + 8]) for i in range(0, 32, 8)]
    loss_gen = model.evaluate((b for b in batches), verbose=0)[0]
    loss_arr = model.evaluate(texts[:, None], labels, batch_size=8, verbose=0)[0]
    assert loss_gen == pytest.approx(loss_arr, rel=1e-5)


def test_sequential_without_input_builds_on_strings():
    vectorize = keras.layers.TextVectorization(vocabulary=["a", "b"], output_sequence_length=2)
    model = keras.Sequential([vectorize, keras.layers.Embedding(4, 2), keras.layers.Flatten()])
    out = model.predict(np.array(["a b", "b"]), verbose=0)
    table = np.asarray(model.layers[1].embeddings)
    np.testing.assert_allclose(out, np.stack([table[[2, 3]].ravel(), table[[3, 0]].ravel()]))


def test_non_string_input_is_a_clear_error():
    layer = keras.layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(TypeError, match=r"TextVectorization .* expects strings; got .*int64"):
        layer(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match=r"adapt\(\) expects strings; got .*float"):
        keras.layers.TextVectorization().adapt(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="expects string inputs"):
        layer(keras.Input(shape=(1,)))


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match=r"repeats the token\(s\) \['a'\]"):
        keras.layers.TextVectorization(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="output_mode must be one of"):
        keras.layers.TextVectorization(output_mode="one_hot")
    with pytest.raises(ValueError, match="output_sequence_length is only used"):
        keras.layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="cannot adapt"):
        keras.layers.TextVectorization(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(ValueError, match="has no vocabulary"):
        keras.layers.TextVectorization()(np.array(["a"]))
    with pytest.raises(ValueError, match="ragged=True"):
        keras.layers.TextVectorization(ragged=True)
