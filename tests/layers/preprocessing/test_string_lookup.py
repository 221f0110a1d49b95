"""StringLookup against Keras 3 + TensorFlow's outputs (fixtures/make_text_fixtures.py)."""

import json
import os

import numpy as np
import pytest

import lamina as keras

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
REF = np.load(os.path.join(FIXTURES, "text_reference.npz"))
with open(os.path.join(FIXTURES, "text_reference.json"), encoding="utf-8") as _f:
    META = json.load(_f)
PROBE = np.array([["a", "c", "zz"], ["", "d", "qq"], ["b", "b", "[UNK]"]])
CASES = sorted(k for k in META if k.startswith("sl_"))


@pytest.mark.parametrize("name", CASES)
def test_adapt_and_lookup_match_keras(name):
    layer = keras.layers.StringLookup(**META[name]["kwargs"])
    layer.adapt(np.array(META["tokens"]))
    assert layer.get_vocabulary() == META[name]["vocabulary"]
    np.testing.assert_allclose(np.asarray(layer(PROBE)), REF[name], rtol=1e-6)


def test_invert_matches_keras():
    inv = keras.layers.StringLookup(vocabulary=["x", "y", "z"], invert=True, mask_token="")
    np.testing.assert_array_equal(inv(np.array([[0, 1, 2], [3, 4, 9]])), REF["sl_invert"])
    inv = keras.layers.StringLookup(vocabulary=["x", "y"], invert=True, oov_token="?")
    np.testing.assert_array_equal(inv(np.array([0, 1, 2, 5])), REF["sl_invert_oov"])


def test_vocabulary_file_and_special_tokens(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("x\ny\nz\n", encoding="utf-8")
    layer = keras.layers.StringLookup(vocabulary=str(path), mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "x", "y", "z"]
    again = keras.layers.StringLookup(vocabulary=layer.get_vocabulary(), mask_token="")
    assert again.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(again(np.array(["z", "", "q"])), [4, 0, 1])


def test_errors():
    with pytest.raises(ValueError, match=r"string_lookup.*repeats the token\(s\) \['b'\]"):
        keras.layers.StringLookup(vocabulary=["a", "b", "b"])
    with pytest.raises(ValueError, match="holds the oov_token"):
        keras.layers.StringLookup(vocabulary=["a", "[UNK]"])
    with pytest.raises(TypeError, match="expects strings; got an array of dtype int"):
        keras.layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"num_oov_indices=0 .* found \['q'\]"):
        keras.layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(np.array(["a", "q"]))
    with pytest.raises(ValueError, match="invert=True needs output_mode='int'"):
        keras.layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="idf_weights"):
        keras.layers.StringLookup(vocabulary=["a"], output_mode="tf_idf")
