"""Prints the Keras 3 values that the preprocessing tests hold as constants.

Keras 3 runs these layers (IntegerLookup, Hashing, Discretization.adapt, adapt on an
iterable) only with TensorFlow installed, which lamina's environment does not have.
Run in a scratch environment with `tensorflow-cpu` and `keras==3.15.1`:

    KERAS_BACKEND=tensorflow python tests/layers/preprocessing/keras_tf_reference.py

Not collected by pytest (no test_ prefix); it imports nothing from lamina.
"""

import numpy as np


def adapt_data():
    """Deterministic float data (no RNG, so every NumPy gives the same)."""
    return ((np.arange(600) * 37 % 101) / 7.0 - 5.0).reshape(200, 3).astype("float32")


def int_tokens():
    return np.array([4, 4, 4, 2, 2, 9, 9, 1, 0, -1, -1, -1, -1, 7, 7, 3, 12, 12, 5])


def hash_values():
    """Integers of every decimal length (1 to 11 characters, both signs)."""
    spread = [(i * 2654435761) % 2 ** 32 - 2 ** 31 for i in range(40)]
    return np.array([0, 5, -5, 42, -42, 999, -999, 1234, -1234, 99999, -31415, 271828,
                     -1000000, 31415926, -27182818, 123456789, -987654321, 2147483647,
                     -2147483648, 1000000000, -1000000000, 7777777] + spread, dtype="int64")


def main():
    import keras

    layers = keras.layers
    x = adapt_data()
    for kw in (dict(num_bins=4), dict(num_bins=7, epsilon=0.1)):
        layer = layers.Discretization(**kw)
        layer.adapt(x)
        print("discretization", kw, layer.bin_boundaries)
    layer = layers.Discretization(num_bins=5)
    layer.adapt([x[:70], x[70:]])
    print("discretization batches", layer.bin_boundaries)
    layer = layers.Normalization()
    layer.adapt([x[:70], x[70:150], x[150:]])
    print("normalization batches", layer.get_weights()[:2])

    tokens = int_tokens()
    queries = np.array([[1, 2, 5], [7, 0, 3], [12, -1, 100]])
    for kw in (dict(), dict(max_tokens=4), dict(mask_token=0), dict(num_oov_indices=3),
               dict(output_mode="multi_hot"), dict(output_mode="count", mask_token=0)):
        layer = layers.IntegerLookup(**kw)
        layer.adapt(tokens)
        print("integer_lookup", kw, [int(t) for t in layer.get_vocabulary()],
              np.asarray(layer(queries)).tolist())

    values = np.array([[0, 1, 2, 3, 9, 10], [-1, -7, 12345, -99999, 2147483647, -2147483648]])
    for kw in (dict(num_bins=7), dict(num_bins=1000), dict(num_bins=5, mask_value=0),
               dict(num_bins=6, output_mode="multi_hot")):
        print("hashing", kw, np.asarray(layers.Hashing(**kw)(values)).tolist())
    print("hashing many", np.asarray(layers.Hashing(2 ** 31 - 1)(hash_values())).tolist())


if __name__ == "__main__":
    main()
