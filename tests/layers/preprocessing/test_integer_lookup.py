"""IntegerLookup: Keras 3's vocabularies and indices (constants printed by
keras_tf_reference.py, as Keras runs this layer only with TensorFlow), inverse lookup,
compiled use, configs and errors."""

import jax
import numpy as np
import pytest

import lamina
from lamina import layers

from .keras_tf_reference import int_tokens

QUERIES = np.array([[1, 2, 5], [7, 0, 3], [12, -1, 100]])


@pytest.mark.parametrize("kwargs,vocabulary,expected", [
    (dict(), [-1, 4, 12, 9, 7, 2, 5, 3, 1, 0], [[8, 5, 6], [4, 9, 7], [2, 0, 0]]),
    (dict(max_tokens=4), [-1, 4, 12, 9], [[0, 0, 0], [0, 0, 0], [2, 0, 0]]),
    (dict(mask_token=0), [0, -1, 4, 12, 9, 7, 2, 5, 3, 1], [[9, 6, 7], [5, 0, 8], [3, 1, 1]]),
    (dict(num_oov_indices=3), [-1, -1, -1, 4, 12, 9, 7, 2, 5, 3, 1, 0],
     [[10, 7, 8], [6, 11, 9], [4, 2, 1]]),
    (dict(output_mode="multi_hot"), [-1, 4, 12, 9, 7, 2, 5, 3, 1, 0],
     [[0, 0, 0, 0, 0, 1, 1, 0, 1, 0], [0, 0, 0, 0, 1, 0, 0, 1, 0, 1],
      [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]]),
    (dict(output_mode="count", mask_token=0), [-1, 4, 12, 9, 7, 2, 5, 3, 1],
     [[0, 0, 0, 0, 0, 1, 1, 0, 1], [0, 0, 0, 0, 1, 0, 0, 1, 0], [2, 0, 1, 0, 0, 0, 0, 0, 0]]),
])
def test_adapt_matches_keras(kwargs, vocabulary, expected):
    layer = layers.IntegerLookup(**kwargs)
    layer.adapt(int_tokens())
    assert layer.get_vocabulary() == vocabulary
    assert layer.vocabulary_size() == len(vocabulary)
    out = np.asarray(layer(QUERIES))
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == (np.int32 if layer.output_mode == "int" else np.float32)


def test_given_vocabulary_matches_keras():
    x = np.array([[1, 2, 5], [7, 0, 3]])
    cases = [  # (kwargs, Keras output, Keras get_vocabulary())
        (dict(vocabulary=[1, 2, 3]), [[1, 2, 0], [0, 0, 3]], [-1, 1, 2, 3]),
        (dict(vocabulary=[1, 2, 3], mask_token=0), [[2, 3, 1], [1, 0, 4]], [0, -1, 1, 2, 3]),
        (dict(vocabulary=[0, -1, 1, 2, 3], mask_token=0), [[2, 3, 1], [1, 0, 4]],
         [0, -1, 1, 2, 3]),
        (dict(vocabulary=[1, 2, 3], num_oov_indices=2), [[2, 3, 1], [1, 0, 4]],
         [-1, -1, 1, 2, 3]),
        (dict(vocabulary=[1, 2, 3, 5, 7, 0], num_oov_indices=0), [[0, 1, 3], [4, 5, 2]],
         [1, 2, 3, 5, 7, 0]),
        (dict(vocabulary=[1, 2, 3], output_mode="one_hot"),
         [[[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]], [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]],
         [-1, 1, 2, 3]),
        (dict(vocabulary=[1, 2, 3], output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True),
         [[1, 1, 1, 0, 0, 0], [1, 0, 0, 1, 0, 0]], [-1, 1, 2, 3]),
    ]
    for kwargs, expected, vocabulary in cases:
        layer = layers.IntegerLookup(**kwargs)
        np.testing.assert_array_equal(layer(x), expected)
        assert layer.get_vocabulary() == vocabulary


def test_invert_matches_keras():
    indices = np.array([[0, 1, 2, 3, 4, 9]])
    np.testing.assert_array_equal(layers.IntegerLookup(vocabulary=[1, 2, 3], invert=True)(indices),
                                  [[-1, 1, 2, 3, -1, -1]])
    np.testing.assert_array_equal(
        layers.IntegerLookup(vocabulary=[1, 2, 3], invert=True, mask_token=0)(indices),
        [[0, -1, 1, 2, 3, -1]])


def test_compiled_and_in_a_model():
    lookup = layers.IntegerLookup(vocabulary=[10, 20, 30])
    np.testing.assert_array_equal(jax.jit(lookup)(np.array([30, 5, 10])), [3, 0, 1])
    inputs = lamina.Input((3,), dtype="int32")
    hot = layers.IntegerLookup(vocabulary=[10, 20, 30], output_mode="multi_hot")(inputs)
    assert hot.shape == (None, 4) and hot.dtype == "float32"
    model = lamina.Model(inputs, layers.Dense(1)(hot))
    model.compile("sgd", "mse")
    model.fit(np.array([[10, 20, 7]] * 8), np.ones((8, 1)), epochs=1, verbose=0)
    assert model.predict(np.array([[10, 20, 30]]), verbose=0).shape == (1, 1)


def test_adapt_generators_and_readapt():
    layer = layers.IntegerLookup()
    layer.adapt(np.array(b) for b in ([[5, 5], [6, 5]], [[6, 6], [8, 1]]))
    assert layer.get_vocabulary() == [-1, 6, 5, 8, 1]  # Keras's order (counts, then token)
    layer.adapt(np.array([3, 3, 4]))
    assert layer.get_vocabulary() == [-1, 3, 4]


def test_errors():
    with pytest.raises(ValueError, match="repeats tokens \\[2\\]"):
        layers.IntegerLookup(vocabulary=[1, 2, 2])
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)(np.array([1, 3]))
    with pytest.raises(ValueError, match="no vocabulary"):
        layers.IntegerLookup()(np.array([1]))
    with pytest.raises(ValueError, match="tf_idf"):
        layers.IntegerLookup(output_mode="tf_idf")
    with pytest.raises(ValueError, match="invert=True needs"):
        layers.IntegerLookup(invert=True, output_mode="multi_hot")
    with pytest.raises(ValueError, match="max_tokens"):
        layers.IntegerLookup(max_tokens=3, vocabulary=[1, 2, 3])
    with pytest.raises(ValueError, match="int32"):
        layers.IntegerLookup(vocabulary=[2 ** 40])
    with pytest.raises(ValueError, match="oov_method"):
        layers.IntegerLookup(oov_method="farmhash")


def test_config_round_trip_keeps_the_vocabulary(tmp_path):
    layer = layers.IntegerLookup(mask_token=0, output_mode="count", name="lookup")
    layer.adapt(int_tokens())
    config = layer.get_config()
    clone = layers.IntegerLookup.from_config(config)
    assert clone.get_config() == config
    np.testing.assert_array_equal(clone(QUERIES), layer(QUERIES))
    path = tmp_path / "vocab.txt"
    path.write_text("7\n8\n9\n")
    np.testing.assert_array_equal(layers.IntegerLookup(vocabulary=str(path))(np.array([9, 1])),
                                  [3, 0])


def test_readapt_reaches_a_model_that_already_ran():
    """The vocabulary is a non-weight variable, not a constant of a compiled trace."""
    lookup = layers.IntegerLookup()
    lookup.adapt(np.array([5, 5, 6]))
    inputs = lamina.Input((2,), dtype="int32")
    model = lamina.Model(inputs, lookup(inputs))
    x = np.array([[5, 7]], "int32")
    np.testing.assert_array_equal(model(x), [[1, 0]])
    lookup.adapt(np.array([7, 7, 7, 5]))
    np.testing.assert_array_equal(model(x), [[2, 1]])
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[2, 1]])
    assert lookup.weights == [] and len(lookup.variables) == 3
