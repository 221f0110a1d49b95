"""`keras.applications.resnet`: ResNet50, ResNet101, ResNet152 (v1) and their
preprocessing ("caffe" mode: BGR, ImageNet mean subtracted)."""

from lamina.applications import imagenet_utils
from lamina.applications.resnet_blocks import build_resnet


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50 (3, 4, 6, 3 bottleneck blocks). Default input 224x224x3, at least 32x32.

    Args:
        include_top: add global average pooling and the Dense `classes` head.
        weights: None (random), "imagenet" (Keras's published weights, downloaded once
            into the cache), or the path of a weights file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: (H, W, C) when `input_tensor` is None; free (None) sizes allowed
            without the top.
        pooling: without the top, None (4D feature map), "avg" or "max" (2D output).
        classes: units of the head (1000 with ImageNet weights).
        classifier_activation: activation of the head ("softmax" or None with weights).
        name: the model's name.
    """
    return build_resnet((3, 4, 6, 3), False, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101 (3, 4, 23, 3 bottleneck blocks); arguments as `ResNet50`."""
    return build_resnet((3, 4, 23, 3), False, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152 (3, 8, 36, 3 bottleneck blocks); arguments as `ResNet50`."""
    return build_resnet((3, 8, 36, 3), False, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet152")


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> BGR minus the ImageNet mean ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
