"""`keras.applications.xception`: Xception (Chollet, 2017), depthwise separable
convolutions with residual connections, and its preprocessing ("tf" mode)."""

from lamina import layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHT_FILES = {
    True: ("xception_weights_tf_dim_ordering_tf_kernels.h5",
           "0a58e3b7378bc2990ea3b43d5981f1f6"),
    False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "b0042744bf5b25fce3cb969f33bebb97"),
}


def _sep_bn(x, filters, name, act_first):
    """[relu ->] SeparableConv2D 3x3 (no bias) -> BatchNormalization."""
    axis = builder.batchnorm_axis()
    if act_first:
        x = layers.Activation("relu", name=name + "_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=axis, name=name + "_bn")(x)


def _down_block(x, filters, block, first_act=True):
    """Two separable convolutions and a strided max pool, plus a strided 1x1 shortcut."""
    axis = builder.batchnorm_axis()
    f1, f2 = filters
    residual = layers.Conv2D(f2, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=axis)(residual)
    x = _sep_bn(x, f1, f"block{block}_sepconv1", first_act)
    x = _sep_bn(x, f2, f"block{block}_sepconv2", True)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Xception. Default input 299x299x3, at least 71x71; arguments as `resnet.ResNet50`."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, 299, 71, include_top, weights)
    axis = builder.batchnorm_axis()
    x = img_input
    for i, (filters, strides) in enumerate(((32, (2, 2)), (64, (1, 1))), 1):
        x = layers.Conv2D(filters, (3, 3), strides=strides, use_bias=False,
                          name=f"block1_conv{i}")(x)
        x = layers.BatchNormalization(axis=axis, name=f"block1_conv{i}_bn")(x)
        x = layers.Activation("relu", name=f"block1_conv{i}_act")(x)
    x = _down_block(x, (128, 128), 2, first_act=False)
    x = _down_block(x, (256, 256), 3)
    x = _down_block(x, (728, 728), 4)
    for i in range(8):
        block = i + 5
        residual = x
        for j in range(1, 4):
            x = _sep_bn(x, 728, f"block{block}_sepconv{j}", True)
        x = layers.add([x, residual])
    x = _down_block(x, (728, 1024), 13)
    for i, filters in enumerate((1536, 2048), 1):
        x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False,
                                   name=f"block14_sepconv{i}")(x)
        x = layers.BatchNormalization(axis=axis, name=f"block14_sepconv{i}_bn")(x)
        x = layers.Activation("relu", name=f"block14_sepconv{i}_act")(x)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation,
                              avg_name=None, max_name=None)
    model = builder.make_model(input_tensor, img_input, x, name)
    fname, file_hash = WEIGHT_FILES[bool(include_top)]
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
