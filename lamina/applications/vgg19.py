"""`keras.applications.vgg19`: VGG19 and its preprocessing ("caffe" mode)."""

from lamina.applications.vgg import build_vgg, decode_predictions, preprocess_input  # noqa: F401

WEIGHT_FILES = {
    True: ("vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    False: ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
}


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19: convolutions per block (2, 2, 4, 4, 4), then (with the top) Flatten, fc1 and fc2 of
    4096 units and the `classes` head. Default input 224x224x3, at least 32x32; arguments
    as `resnet.ResNet50`."""
    return build_vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling,
                     classes, classifier_activation, name, WEIGHT_FILES, "vgg19")

