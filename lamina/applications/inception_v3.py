"""`keras.applications.inception_v3`: InceptionV3 (Szegedy et al., 2015) and its
preprocessing ("tf" mode). Convolutions carry automatic names (conv2d, conv2d_1, ...), the
merged branches mixed0 ... mixed10, as in Keras."""

from lamina import layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
WEIGHT_FILES = {
    True: ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
           "9a0d58056eeedaa3f26cb7ebd46da564"),
    False: ("inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "bcbd6486424b2319ff4ef7d526e38f63"),
}


def conv2d_bn(x, filters, rows, cols, padding="same", strides=(1, 1), name=None):
    """Conv2D (no bias) -> BatchNormalization (no scale) -> relu."""
    bn_axis = builder.batchnorm_axis()
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False,
                      name=None if name is None else name + "_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, scale=False,
                                  name=None if name is None else name + "_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_pool_branch(x, filters):
    branch = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(branch, filters, 1, 1)


def _block_35(x, pool_filters, name):
    axis = builder.batchnorm_axis()
    b1x1 = conv2d_bn(x, 64, 1, 1)
    b5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3x3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    pool = _avg_pool_branch(x, pool_filters)
    return layers.concatenate([b1x1, b5x5, b3x3, pool], axis=axis, name=name)


def _block_17(x, width, name):
    axis = builder.batchnorm_axis()
    b1x1 = conv2d_bn(x, 192, 1, 1)
    b7x7 = conv2d_bn(x, width, 1, 1)
    b7x7 = conv2d_bn(b7x7, width, 1, 7)
    b7x7 = conv2d_bn(b7x7, 192, 7, 1)
    dbl = conv2d_bn(x, width, 1, 1)
    for rows, cols, filters in ((7, 1, width), (1, 7, width), (7, 1, width), (1, 7, 192)):
        dbl = conv2d_bn(dbl, filters, rows, cols)
    pool = _avg_pool_branch(x, 192)
    return layers.concatenate([b1x1, b7x7, dbl, pool], axis=axis, name=name)


def _block_8(x, i):
    axis = builder.batchnorm_axis()
    b1x1 = conv2d_bn(x, 320, 1, 1)
    b3x3 = conv2d_bn(x, 384, 1, 1)
    b3x3 = layers.concatenate([conv2d_bn(b3x3, 384, 1, 3), conv2d_bn(b3x3, 384, 3, 1)],
                              axis=axis, name=f"mixed9_{i}")
    dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    dbl = layers.concatenate([conv2d_bn(dbl, 384, 1, 3), conv2d_bn(dbl, 384, 3, 1)],
                             axis=axis)
    pool = _avg_pool_branch(x, 192)
    return layers.concatenate([b1x1, b3x3, dbl, pool], axis=axis, name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """InceptionV3. Default input 299x299x3, at least 75x75; arguments as
    `resnet.ResNet50`."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, 299, 75, include_top, weights)
    axis = builder.batchnorm_axis()
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{i}")
    # mixed3: 35x35 -> 17x17
    b3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    dbl = conv2d_bn(dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3x3, dbl, pool], axis=axis, name="mixed3")
    for i, width in enumerate((128, 160, 160, 192)):
        x = _block_17(x, width, f"mixed{4 + i}")
    # mixed8: 17x17 -> 8x8
    b3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7x7x3 = conv2d_bn(x, 192, 1, 1)
    b7x7x3 = conv2d_bn(b7x7x3, 192, 1, 7)
    b7x7x3 = conv2d_bn(b7x7x3, 192, 7, 1)
    b7x7x3 = conv2d_bn(b7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3x3, b7x7x3, pool], axis=axis, name="mixed8")
    for i in range(2):
        x = _block_8(x, i)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation,
                              avg_name=None, max_name=None)
    model = builder.make_model(input_tensor, img_input, x, name)
    fname, file_hash = WEIGHT_FILES[bool(include_top)]
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
