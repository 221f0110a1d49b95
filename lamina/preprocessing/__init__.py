"""keras.preprocessing: the legacy home of the image and sequence helpers."""

from lamina.preprocessing import image, sequence
