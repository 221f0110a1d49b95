"""`keras.applications.resnet_v2`: ResNet50V2, ResNet101V2, ResNet152V2 (pre-activation)
and their preprocessing ("tf" mode: scaled to [-1, 1])."""

from lamina.applications import imagenet_utils
from lamina.applications.resnet_blocks import build_resnet


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2 (3, 4, 6, 3 pre-activation blocks); arguments as `resnet.ResNet50`."""
    return build_resnet((3, 4, 6, 3), True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet50v2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    """ResNet101V2 (3, 4, 23, 3 pre-activation blocks); arguments as `resnet.ResNet50`."""
    return build_resnet((3, 4, 23, 3), True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet101v2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    """ResNet152V2 (3, 8, 36, 3 pre-activation blocks); arguments as `resnet.ResNet50`."""
    return build_resnet((3, 8, 36, 3), True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, "resnet152v2")


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
