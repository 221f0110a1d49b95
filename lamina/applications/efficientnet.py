"""`keras.applications.efficientnet`: EfficientNetB0-B7 (Tan & Le, 2019): MBConv blocks
with squeeze-and-excitation, scaled in width, depth and resolution. The models rescale and
normalize their input themselves, so `preprocess_input` is the identity."""

import copy
import math

from lamina import backend, initializers, layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/keras-applications/"
# md5 of Keras's files: {variant: (with top, without top)}.
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
# The seven stages of B0: kernel, repeats, filters in/out, expansion, stride.
DEFAULT_BLOCKS_ARGS = [
    dict(kernel_size=3, repeats=1, filters_in=32, filters_out=16, expand_ratio=1, strides=1),
    dict(kernel_size=3, repeats=2, filters_in=16, filters_out=24, expand_ratio=6, strides=2),
    dict(kernel_size=5, repeats=2, filters_in=24, filters_out=40, expand_ratio=6, strides=2),
    dict(kernel_size=3, repeats=3, filters_in=40, filters_out=80, expand_ratio=6, strides=2),
    dict(kernel_size=5, repeats=3, filters_in=80, filters_out=112, expand_ratio=6, strides=1),
    dict(kernel_size=5, repeats=4, filters_in=112, filters_out=192, expand_ratio=6, strides=2),
    dict(kernel_size=3, repeats=1, filters_in=192, filters_out=320, expand_ratio=6, strides=1),
]
for _args in DEFAULT_BLOCKS_ARGS:
    _args.update(id_skip=True, se_ratio=0.25)


def conv_initializer():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out",
                                        distribution="truncated_normal")


def dense_initializer():
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def squeeze_excite(x, filters, filters_se, activation, name):
    """Global average -> 1x1 reduce (activation) -> 1x1 expand (sigmoid) -> rescale `x`."""
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se_shape = ((1, 1, filters) if backend.image_data_format() == "channels_last" else
                (filters, 1, 1))
    se = layers.Reshape(se_shape, name=name + "se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=conv_initializer(), name=name + "se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=conv_initializer(), name=name + "se_expand")(se)
    return layers.multiply([x, se], name=name + "se_excite")


def mb_conv_block(inputs, filters_in, filters_out, expand_ratio=1, kernel_size=3, strides=1,
                  se_ratio=0.0, activation="swish", drop_rate=0.0, name="", id_skip=True,
                  bn_momentum=0.99, dwconv_name="dwconv", pad_strided=True):
    """MBConv: 1x1 expansion -> depthwise -> squeeze-excite -> 1x1 projection (+ residual
    with per-sample dropout of the branch), as EfficientNet and EfficientNetV2 both build
    it. pad_strided: a stride-2 depthwise convolution gets TensorFlow's "same" padding
    through an explicit ZeroPadding2D (EfficientNet) instead of padding="same" (V2)."""
    axis = builder.batchnorm_axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          kernel_initializer=conv_initializer(), name=name + "expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, momentum=bn_momentum,
                                      name=name + "expand_bn")(x)
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    padding = "same"
    if strides == 2 and pad_strided:
        x = layers.ZeroPadding2D(padding=builder.correct_pad(x, kernel_size),
                                 name=name + "dwconv_pad")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding=padding, use_bias=False,
                               depthwise_initializer=conv_initializer(),
                               name=name + dwconv_name)(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=name + "bn")(x)
    x = layers.Activation(activation, name=name + "activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), activation, name)
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False,
                      kernel_initializer=conv_initializer(), name=name + "project_conv")(x)
    x = layers.BatchNormalization(axis=axis, momentum=bn_momentum, name=name + "project_bn")(x)
    return residual(x, inputs, id_skip and strides == 1 and filters_in == filters_out,
                    drop_rate, name)


def residual(x, inputs, skip, drop_rate, name):
    """`x + inputs` when `skip`, the branch `x` dropped per sample at `drop_rate` first."""
    if skip:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.add([x, inputs], name=name + "add")
    return x


def block(inputs, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16,
          kernel_size=3, strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True):
    """EfficientNet's MBConv block (see `mb_conv_block`)."""
    return mb_conv_block(inputs, filters_in, filters_out, expand_ratio, kernel_size, strides,
                         se_ratio, activation, drop_rate, name, id_skip)


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                 drop_connect_rate=0.2, depth_divisor=8, activation="swish",
                 blocks_args="default", name="efficientnet", include_top=True,
                 weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                 classes=1000, classifier_activation="softmax", weights_name=None):
    """An EfficientNet of the given width/depth scaling (B0: 1.0, 1.0, 224 pixels)."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    img_input = builder.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    axis = builder.batchnorm_axis()

    def round_filters(filters):
        return int(builder.make_divisible(filters * width_coefficient, depth_divisor))

    def round_repeats(repeats):
        return int(math.ceil(depth_coefficient * repeats))

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=axis)(x)
    if weights == "imagenet":
        # The published weights normalize by the variance; divide once more by the std.
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=builder.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=conv_initializer(), name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    total = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * b / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False,
                      kernel_initializer=conv_initializer(), name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=dense_initializer(), name="predictions")(x)
    else:
        x = builder.pooled_or_top(x, False, pooling, classes, classifier_activation)
    model = builder.make_model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        fname = f"efficientnet{weights_name}{'.h5' if include_top else '_notop.h5'}"
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)
    return builder.load_weights(model, weights)


def _variant(width, depth, size, dropout, variant):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              name=f"efficientnet{variant}"):
        return EfficientNet(width, depth, size, dropout, name=name, include_top=include_top,
                            weights=weights, input_tensor=input_tensor,
                            input_shape=input_shape, pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation, weights_name=variant)

    build.__name__ = build.__qualname__ = f"EfficientNet{variant.upper()}"
    build.__doc__ = (f"EfficientNet{variant.upper()}: width x{width}, depth x{depth}, default "
                     f"input {size}x{size}x3 (at least 32x32), top dropout {dropout}. Expects "
                     "0-255 RGB input (rescaling is inside); arguments as `resnet.ResNet50`.")
    return build


EfficientNetB0 = _variant(1.0, 1.0, 224, 0.2, "b0")
EfficientNetB1 = _variant(1.0, 1.1, 240, 0.2, "b1")
EfficientNetB2 = _variant(1.1, 1.2, 260, 0.3, "b2")
EfficientNetB3 = _variant(1.2, 1.4, 300, 0.3, "b3")
EfficientNetB4 = _variant(1.4, 1.8, 380, 0.4, "b4")
EfficientNetB5 = _variant(1.6, 2.2, 456, 0.4, "b5")
EfficientNetB6 = _variant(1.8, 2.6, 528, 0.5, "b6")
EfficientNetB7 = _variant(2.0, 3.1, 600, 0.5, "b7")


def preprocess_input(x, data_format=None):
    """The identity: EfficientNet models rescale and normalize their inputs themselves."""
    return x


decode_predictions = imagenet_utils.decode_predictions
