"""`keras.applications.efficientnet_v2`: EfficientNetV2 B0-B3, S, M, L (Tan & Le, 2021):
fused and plain MBConv blocks. The models rescale their input themselves
(`include_preprocessing`), so `preprocess_input` is the identity."""

import copy
import math

from lamina import initializers, layers
from lamina.applications import builder, imagenet_utils
from lamina.applications.efficientnet import (conv_initializer, dense_initializer, mb_conv_block,
                                              residual, squeeze_excite)

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
# md5 of Keras's files: {variant: (with top, without top)}.
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}


def _stages(*rows):
    """Stage rows (kernel, repeats, filters in, filters out, expansion, se ratio, stride,
    fused) as the dicts the builder consumes."""
    keys = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio",
            "se_ratio", "strides", "conv_type")
    return [dict(zip(keys, row)) for row in rows]


_B = _stages((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
             (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0),
             (3, 8, 112, 192, 6, 0.25, 2, 0))
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages(
        (3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
        (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
        (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "efficientnetv2-m": _stages(
        (3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
        (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
        (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "efficientnetv2-l": _stages(
        (3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
        (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
        (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)),
    **{f"efficientnetv2-b{i}": _B for i in range(4)},
}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    filters *= width_coefficient
    minimum = min_depth or depth_divisor
    return int(max(minimum, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def _bn(momentum, name):
    return layers.BatchNormalization(axis=builder.batchnorm_axis(), momentum=momentum,
                                     name=name)


def mb_conv(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
            se_ratio=0.0, bn_momentum=0.9, activation="swish", survival_probability=0.8,
            name=""):
    """1x1 expansion -> depthwise -> squeeze-excite -> 1x1 projection (+ residual)."""
    return mb_conv_block(inputs, input_filters, output_filters, expand_ratio, kernel_size,
                         strides, se_ratio, activation, survival_probability or 0.0, name,
                         bn_momentum=bn_momentum, dwconv_name="dwconv2", pad_strided=False)


def fused_mb_conv(inputs, input_filters, output_filters, expand_ratio=1, kernel_size=3,
                  strides=1, se_ratio=0.0, bn_momentum=0.9, activation="swish",
                  survival_probability=0.8, name=""):
    """A full kxk expansion convolution in place of 1x1 + depthwise, then the projection."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, kernel_size, strides=strides,
                          kernel_initializer=conv_initializer(), padding="same",
                          use_bias=False, name=name + "expand_conv")(x)
        x = _bn(bn_momentum, name + "expand_bn")(x)
        x = layers.Activation(activation, name=name + "expand_activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name)
    x = layers.Conv2D(output_filters, 1 if expand_ratio != 1 else kernel_size,
                      strides=1 if expand_ratio != 1 else strides,
                      kernel_initializer=conv_initializer(), padding="same", use_bias=False,
                      name=name + "project_conv")(x)
    x = _bn(bn_momentum, name + "project_bn")(x)
    if expand_ratio == 1:
        x = layers.Activation(activation, name=name + "project_activation")(x)
    return residual(x, inputs, strides == 1 and input_filters == output_filters,
                    survival_probability or 0.0, name)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", name="efficientnetv2",
                   include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None, model_name=None):
    """An EfficientNetV2; `blocks_args="default"` takes the stages of the variant
    `model_name` ("efficientnetv2-b0", ...; default `name`)."""
    model_name = model_name or name
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[model_name]
    img_input = builder.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    axis = builder.batchnorm_axis()
    x = img_input
    if include_preprocessing:
        channels = img_input.shape[axis]
        if model_name.split("-")[-1].startswith("b") and channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406],
                                     variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def filters_of(n):
        return round_filters(n, width_coefficient, min_depth, depth_divisor)

    x = layers.Conv2D(filters_of(blocks_args[0]["input_filters"]), 3, strides=2,
                      kernel_initializer=conv_initializer(), padding="same", use_bias=False,
                      name="stem_conv")(x)
    x = _bn(bn_momentum, "stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    total = float(sum(args["num_repeat"] for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = fused_mb_conv if args.pop("conv_type") else mb_conv
        for j in range(int(math.ceil(depth_coefficient * args.pop("num_repeat")))):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(x, activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / total,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = layers.Conv2D(filters_of(1280), 1, strides=1, kernel_initializer=conv_initializer(),
                      padding="same", use_bias=False, name="top_conv")(x)
    x = _bn(bn_momentum, "top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=dense_initializer(),
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = builder.pooled_or_top(x, False, pooling, classes, classifier_activation)
    model = builder.make_model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        fname = (f"efficientnetv2-{weights_name.lstrip('-')}"
                 f"{'.h5' if include_top else '_notop.h5'}")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)
    return builder.load_weights(model, weights)


def _hash_key(variant):
    """Keras keys its hashes "b0".."b3" but "-s", "-m", "-l"."""
    return variant.lstrip("-") if variant.startswith("-b") else variant


def _variant(width, depth, size, variant, public):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              include_preprocessing=True, name=f"efficientnetv2{variant}"):
        return EfficientNetV2(width, depth, size, name=name, include_top=include_top,
                              weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing,
                              weights_name=_hash_key(variant),
                              model_name=f"efficientnetv2{variant}")

    build.__name__ = build.__qualname__ = public
    build.__doc__ = (f"{public}: width x{width}, depth x{depth}, default input {size}x{size}x3 "
                     "(at least 32x32). Expects 0-255 RGB input (rescaling is inside with "
                     "`include_preprocessing`); arguments as `resnet.ResNet50`.")
    return build


EfficientNetV2B0 = _variant(1.0, 1.0, 224, "-b0", "EfficientNetV2B0")
EfficientNetV2B1 = _variant(1.0, 1.1, 240, "-b1", "EfficientNetV2B1")
EfficientNetV2B2 = _variant(1.1, 1.2, 260, "-b2", "EfficientNetV2B2")
EfficientNetV2B3 = _variant(1.2, 1.4, 300, "-b3", "EfficientNetV2B3")
EfficientNetV2S = _variant(1.0, 1.0, 384, "-s", "EfficientNetV2S")
EfficientNetV2M = _variant(1.0, 1.0, 480, "-m", "EfficientNetV2M")
EfficientNetV2L = _variant(1.0, 1.0, 480, "-l", "EfficientNetV2L")


def preprocess_input(x, data_format=None):
    """The identity: EfficientNetV2 models rescale their inputs themselves."""
    return x


decode_predictions = imagenet_utils.decode_predictions
