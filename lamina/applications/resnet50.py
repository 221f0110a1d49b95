"""`keras.applications.resnet50`: the same ResNet50 as `resnet`."""

from lamina.applications.resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401
