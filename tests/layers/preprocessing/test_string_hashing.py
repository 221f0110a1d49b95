"""Hashing of strings and HashedCrossing against Keras 3 + TensorFlow's bins
(fixtures/make_text_fixtures.py), and FarmHash against the integer (JAX) version."""

import os

import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina.layers.preprocessing import farmhash, farmhash_strings

REF = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "text_reference.npz"))
WORDS = REF["hash_words"]


def test_string_bins_match_keras_for_every_length_class():
    # 0, 1-3, 4-7, 8-16, 17-32, 33-64 and >64 bytes, and multi-byte UTF-8
    np.testing.assert_array_equal(keras.layers.Hashing(1000)(WORDS), REF["hash_strings"])
    np.testing.assert_array_equal(keras.layers.Hashing(10, mask_value="")(WORDS),
                                  REF["hash_strings_mask"])
    np.testing.assert_array_equal(keras.layers.Hashing(4, output_mode="one_hot")(WORDS[:4]),
                                  REF["hash_strings_one_hot"])


def test_host_fingerprint_equals_the_compiled_integer_one():
    values = np.array([0, 7, -12, 123456, -2147483648, 2147483647], np.int32)
    hi, lo = farmhash.fingerprint64(jnp.asarray(values))
    compiled = [(int(h) << 32) | int(l) for h, l in zip(np.asarray(hi), np.asarray(lo))]
    assert compiled == [farmhash_strings.fingerprint64(str(v)) for v in values]


def test_hashed_crossing_matches_keras():
    cross = keras.layers.HashedCrossing(num_bins=17)
    ints = np.array([0, -1, 5, 99, 12345, 7])
    np.testing.assert_array_equal(cross((WORDS[:6], ints)), REF["cross_str_int"])
    np.testing.assert_array_equal(cross((WORDS[:6], WORDS[4:])), REF["cross_str_str"])
    np.testing.assert_array_equal(cross((WORDS[:3, None], WORDS[3:6, None])), REF["cross_col"])
    one_hot = keras.layers.HashedCrossing(num_bins=5, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot((WORDS[:3], WORDS[3:6])), REF["cross_one_hot"])


def test_string_features_in_a_model():
    words = keras.Input(shape=(1,), dtype="string")
    ids = keras.Input(shape=(1,), dtype="int32")
    crossed = keras.layers.HashedCrossing(17)((words, ids))
    hashed = keras.layers.Hashing(1000)(words)
    model = keras.Model([words, ids], [crossed, hashed])
    ints = np.array([0, -1, 5, 99, 12345, 7])
    got_cross, got_hash = model.predict([WORDS[:6, None], ints[:, None]], verbose=0)
    np.testing.assert_array_equal(got_cross[:, 0], REF["cross_str_int"])
    np.testing.assert_array_equal(got_hash[:, 0], REF["hash_strings"][:6])


def test_crossing_errors():
    cross = keras.layers.HashedCrossing(5)
    with pytest.raises(ValueError, match="at least 2 features"):
        cross(np.array(["a"]))
    with pytest.raises(ValueError, match="same shape"):
        cross((np.array(["a", "b"]), np.array(["a"])))
    with pytest.raises(TypeError, match="strings or integers; got .*float"):
        cross((np.array([1.5]), np.array(["a"])))
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.HashedCrossing(5, output_mode="multi_hot")
