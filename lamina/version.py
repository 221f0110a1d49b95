"""lamina's release (the same as pyproject.toml's `version`)."""

__version__ = "0.1.0"
