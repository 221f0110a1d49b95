"""Export a model for serving: lamina's own "jax" format, ONNX, TensorFlow SavedModel."""

from lamina.export.export_archive import ExportArchive
from lamina.export.loaded_artifact import load
