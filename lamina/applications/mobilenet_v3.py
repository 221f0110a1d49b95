"""`keras.applications.mobilenet_v3`: MobileNetV3Small / MobileNetV3Large (Howard et al.,
2019): inverted residuals with squeeze-and-excitation and hard-swish. The models rescale
their input themselves (`include_preprocessing`), so `preprocess_input` is the identity."""

import warnings

from lamina import backend, layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# md5 of Keras's files: {name: (with top, without top)}.
WEIGHTS_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb",
                             "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7",
                            "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c",
                                         "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7",
                             "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862",
                            "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37",
                                         "cde8136e733e811080d9fcd8a252f7e4"),
}


def _relu(x):
    return layers.ReLU()(x)


def _hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _bn(name):
    return layers.BatchNormalization(axis=builder.batchnorm_axis(), epsilon=1e-3,
                                     momentum=0.999, name=name)


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True,
                                      name=prefix + "squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(builder.make_divisible(filters * se_ratio), kernel_size=1,
                      padding="same", name=prefix + "squeeze_excite_conv")(x)
    x = layers.ReLU(name=prefix + "squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same",
                      name=prefix + "squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(x)
    return layers.Multiply(name=prefix + "squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                        block_id):
    axis = builder.batchnorm_axis()
    shortcut = x
    in_filters = x.shape[axis]
    prefix = "expanded_conv_"
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(builder.make_divisible(in_filters * expansion), kernel_size=1,
                          padding="same", use_bias=False, name=prefix + "expand")(x)
        x = _bn(prefix + "expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=builder.correct_pad(x, kernel_size),
                                 name=prefix + "depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _bn(prefix + "depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, builder.make_divisible(in_filters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
                      name=prefix + "project")(x)
    x = _bn(prefix + "project_bn")(x)
    if stride == 1 and in_filters == filters:
        x = layers.Add(name=prefix + "add")([shortcut, x])
    return x


# (expansion, filters, kernel ("k": 3 if minimalistic else 5), stride, squeeze-excite,
#  activation ("relu" or "act": relu if minimalistic else hard-swish)) per block.
SMALL = ((1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"),
         (88 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "act"),
         (6, 40, "k", 1, True, "act"), (6, 40, "k", 1, True, "act"),
         (3, 48, "k", 1, True, "act"), (3, 48, "k", 1, True, "act"),
         (6, 96, "k", 2, True, "act"), (6, 96, "k", 1, True, "act"),
         (6, 96, "k", 1, True, "act"))
LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"),
         (3, 24, 3, 1, False, "relu"), (3, 40, "k", 2, True, "relu"),
         (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
         (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"),
         (2.3, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
         (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
         (6, 160, "k", 2, True, "act"), (6, 160, "k", 1, True, "act"),
         (6, 160, "k", 1, True, "act"))


def _mobilenet_v3(blocks, last_point_ch, model_type, input_shape, alpha, minimalistic,
                  include_top, weights, input_tensor, classes, pooling, dropout_rate,
                  classifier_activation, include_preprocessing, name):
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    input_shape, (rows, cols) = builder.mobile_input_shape(input_shape, input_tensor)
    if input_shape is None:
        input_shape = ((None, None, 3) if backend.image_data_format() == "channels_last"
                       else (3, None, None))
    if (rows and rows < 32) or (cols and cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape="
                         f"{input_shape}`")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of "
                             "`0.75`, `1.0` for non minimalistic or `1.0` for minimalistic "
                             f"only.  Received alpha={alpha}")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. "
                          "Weights for input shape (224, 224) will be loaded as the default.",
                          stacklevel=3)
    img_input = builder.input_layer(input_shape, input_tensor)
    kernel = 3 if minimalistic else 5
    activation = _relu if minimalistic else _hard_swish
    se_ratio = None if minimalistic else 0.25
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="conv")(x)
    x = _bn("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, builder.make_divisible(filters * alpha),
                                kernel if k == "k" else k, stride, se_ratio if se else None,
                                _relu if act == "relu" else activation, block_id)
    last_conv_ch = builder.make_divisible(x.shape[builder.batchnorm_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = builder.make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="conv_1")(x)
    x = _bn("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = builder.pooled_or_top(x, False, pooling, classes, classifier_activation)
    model = builder.make_model(input_tensor, img_input, x, name)
    key = f"{model_type}_224_{alpha}_float"
    if minimalistic:
        key = f"{model_type}_minimalistic_224_{alpha}_float"
    fname = f"weights_mobilenet_v3_{key}{'' if include_top else '_no_top_v2'}.h5"
    file_hash = WEIGHTS_HASHES[key][0 if include_top else 1] if key in WEIGHTS_HASHES else None
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small. Any input size of at least 32x32 (default (None, None, 3)).

    Args:
        alpha: width multiplier (ImageNet weights for 0.75 and 1.0).
        minimalistic: no squeeze-excite, relu and 3x3 kernels only.
        dropout_rate: before the classifier.
        include_preprocessing: rescale 0-255 inputs to [-1, 1] inside the model.
        Other arguments as `resnet.ResNet50`.
    """
    return _mobilenet_v3(SMALL, 1024, "small", input_shape, alpha, minimalistic, include_top,
                         weights, input_tensor, classes, pooling, dropout_rate,
                         classifier_activation, include_preprocessing, name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large; arguments as `MobileNetV3Small`."""
    return _mobilenet_v3(LARGE, 1280, "large", input_shape, alpha, minimalistic, include_top,
                         weights, input_tensor, classes, pooling, dropout_rate,
                         classifier_activation, include_preprocessing, name)


def preprocess_input(x, data_format=None):
    """The identity: MobileNetV3 models rescale their inputs themselves."""
    return x


decode_predictions = imagenet_utils.decode_predictions
