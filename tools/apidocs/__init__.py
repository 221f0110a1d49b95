"""Generators for the documentation site: the API reference and the Keras comparison."""
