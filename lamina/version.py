"""lamina's release (the same as pyproject.toml's `version`) and the Keras release whose
API and file format lamina follows."""

__version__ = "0.1.0"

# The Keras 3 release lamina's public API and files were checked against.
KERAS_API_VERSION = "3.15.1"


def version():
    """The Keras API version lamina implements ("3.15.1"), as `keras.version()` returns
    Keras's: libraries read it to tell Keras 3 from tf.keras. lamina's own release is
    `lamina.__version__`."""
    return KERAS_API_VERSION
