"""`keras.applications.vgg16`: VGG16 and its preprocessing ("caffe" mode)."""

from lamina.applications.vgg import build_vgg, decode_predictions, preprocess_input  # noqa: F401

WEIGHT_FILES = {
    True: ("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
    False: ("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
}


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16: convolutions per block (2, 2, 3, 3, 3), then (with the top) Flatten, fc1 and fc2 of
    4096 units and the `classes` head. Default input 224x224x3, at least 32x32; arguments
    as `resnet.ResNet50`."""
    return build_vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name, WEIGHT_FILES, "vgg16")

