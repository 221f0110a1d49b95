"""keras.legacy: older formats kept for compatibility."""

from lamina.legacy import saving
