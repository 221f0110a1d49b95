"""TextVectorization in `.keras` files: Keras 3's files (vocabulary in assets/, tf_idf
weights in the weights file) load in lamina and predict as Keras did; lamina writes the
same layout. (Keras loading lamina's files: `make_text_fixtures.py --check`.)"""

import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import lamina as keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
REF = np.load(os.path.join(FIXTURES, "text_reference.npz"))
with open(os.path.join(FIXTURES, "text_reference.json"), encoding="utf-8") as _f:
    META = json.load(_f)
QUERIES = np.array(META["queries"])[:, None]


@pytest.mark.parametrize("name, key", [("keras_text_model.keras", "model_predictions"),
                                       ("keras_tfidf_model.keras", "tfidf_model_predictions")])
def test_keras_files_load_and_round_trip(tmp_path, name, key):
    model = keras.saving.load_model(os.path.join(FIXTURES, name))
    np.testing.assert_allclose(model.predict(QUERIES, verbose=0), REF[key], atol=1e-6)
    path = tmp_path / name
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        vocabulary = zf.read("assets/layers/text_vectorization/vocabulary.txt").decode()
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    tv = model.get_layer("text_vectorization")
    assert vocabulary.split("\n") == tv.get_vocabulary()
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(QUERIES, verbose=0), REF[key], atol=1e-6)
    assert again.get_layer("text_vectorization").get_vocabulary() == tv.get_vocabulary()


def test_idf_weights_sit_where_keras_puts_them(tmp_path):
    tv = keras.layers.TextVectorization(output_mode="tf_idf")
    tv.adapt(np.array(META["corpus"]))
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, keras.layers.Dense(2)(tv(inputs)))
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        weights = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
        for group in ("layers/text_vectorization/vars",
                      "layers/text_vectorization/_lookup_layer/vars"):
            np.testing.assert_allclose(weights[group]["idf_weights"][()],
                                       tv._lookup_layer.idf_weights)
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(QUERIES, verbose=0),
                               model.predict(QUERIES, verbose=0), rtol=1e-6)


def test_given_vocabulary_stays_in_the_config(tmp_path):
    tv = keras.layers.TextVectorization(vocabulary=["b", "a"], output_sequence_length=2)
    inputs = keras.Input(shape=(1,), dtype="string")
    model = keras.Model(inputs, tv(inputs))
    model.save(tmp_path / "v.keras")
    with zipfile.ZipFile(tmp_path / "v.keras") as zf:
        assert not [n for n in zf.namelist() if n.startswith("assets/")]
        config = json.loads(zf.read("config.json"))
    assert config["config"]["layers"][1]["config"]["vocabulary"] == ["b", "a"]
    loaded = keras.saving.load_model(tmp_path / "v.keras")
    np.testing.assert_array_equal(loaded.predict(np.array([["a b"]]), verbose=0), [[3, 2]])


@keras.saving.register_keras_serializable(package="text_saving_test")
def _shout(texts):
    return np.char.upper(texts)


def test_registered_standardize_function_round_trips(tmp_path):
    tv = keras.layers.TextVectorization(standardize=_shout, output_sequence_length=3)
    tv.adapt(["a b", "b c"])
    inputs = keras.Input(shape=(1,), dtype="string")
    keras.Model(inputs, tv(inputs)).save(tmp_path / "s.keras")
    loaded = keras.saving.load_model(tmp_path / "s.keras")
    assert loaded.layers[1].standardize is _shout
    np.testing.assert_array_equal(loaded.predict(np.array([["a c"]]), verbose=0), [[4, 3, 0]])
