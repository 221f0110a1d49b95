"""lamina's release (the same as pyproject.toml's `version`)."""

__version__ = "0.1.0"


def version():
    """The release string, as `keras.version()` returns Keras's."""
    return __version__
