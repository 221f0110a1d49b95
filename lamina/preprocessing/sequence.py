"""keras.preprocessing.sequence: `pad_sequences` under its Keras 3 name."""

from lamina.utils.sequence_utils import pad_sequences  # noqa: F401
