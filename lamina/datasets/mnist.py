"""MNIST handwritten digits: `load_data(path="mnist.npz")`, as `keras.datasets.mnist`."""

from lamina.datasets.cache import KERAS_ORIGIN, Resource, fetch, read_npz

# sha256 of the mnist.npz Keras hosts (Keras's published hash).
KERAS_FILE_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
# sha256 of the project's seed copy (same arrays, written by numpy.savez_compressed).
SEED_FILE_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
# sha256 of each array's bytes; what any good copy must hold.
ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}


def resource(path="mnist.npz"):
    """The cache entry for MNIST stored at `path` (relative to the cache folder)."""
    return Resource(path, url=KERAS_ORIGIN + "mnist.npz",
                    file_sha256=(KERAS_FILE_SHA256, SEED_FILE_SHA256), arrays=ARRAY_SHA256)


def load_data(path="mnist.npz"):
    """Load MNIST: 60,000 training and 10,000 test 28x28 grayscale digit images.

    Args:
        path: where to cache the file, relative to the cache folder
            (`$LAMINA_DATA_DIR` or `~/.lamina/datasets`). Downloaded from Keras's
            URL when missing, and verified by checksum.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 arrays of shapes
        (60000, 28, 28), (60000,), (10000, 28, 28), (10000,); labels 0-9.
    """
    arrays = read_npz(fetch(resource(path)))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
