"""keras.preprocessing.sequence: padding of integer sequences."""

from lamina.utils.sequence_utils import pad_sequences  # noqa: F401
