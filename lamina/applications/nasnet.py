"""`keras.applications.nasnet`: NASNetMobile and NASNetLarge (Zoph et al., 2018), cells
found by architecture search, and their preprocessing ("tf" mode)."""

from lamina import backend, layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# {default size: (file stem on the server, cached file stem, md5 with top, md5 without)}
WEIGHT_FILES = {
    224: ("NASNet-mobile", "nasnet_mobile", "020fb642bf7360b370c678b08e0adf61",
          "1ed92395b5b598bdda52abe5c0dbfd63"),
    331: ("NASNet-large", "nasnet_large", "11577c9a518f0070763c2b964a382f17",
          "d81d89dc07e6e56530c4e77faddd61b5"),
}


def _bn(name):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, momentum=0.9997, epsilon=1e-3, name=name)


def _concat_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Two relu -> SeparableConv2D -> BN steps (the first one strided)."""
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=builder.correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                               name=f"separable_conv_1_{block_id}",
                               padding="valid" if strides == (2, 2) else "same",
                               use_bias=False)(x)
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}",
                               padding="same", use_bias=False)(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p, ip, filters, block_id=None):
    """Brings the previous cell's output `p` to the grid size and channels of `ip`."""
    channels_first = backend.image_data_format() == "channels_first"
    img_dim, channel_dim = (2, 1) if channels_first else (-2, -1)
    if p is None:
        return ip
    if p.shape[img_dim] != ip.shape[img_dim]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                           name=f"adjust_conv_1_{block_id}", kernel_initializer="he_normal")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid",
                                     name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False,
                           name=f"adjust_conv_2_{block_id}", kernel_initializer="he_normal")(p2)
        p = layers.concatenate([p1, p2], axis=channel_dim)
        return _bn(f"adjust_bn_{block_id}")(p)
    if p.shape[channel_dim] != filters:
        p = layers.Activation("relu")(p)
        p = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same",
                          name=f"adjust_conv_projection_{block_id}", use_bias=False,
                          kernel_initializer="he_normal")(p)
        return _bn(f"adjust_bn_{block_id}")(p)
    return p


def _squeeze(ip, filters, kind, block_id):
    """relu -> 1x1 convolution -> BN: the cell's view of its main input."""
    h = layers.Activation("relu")(ip)
    h = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same",
                      name=f"{kind}_conv_1_{block_id}", use_bias=False,
                      kernel_initializer="he_normal")(h)
    return _bn(f"{kind}_bn_1_{block_id}")(h)


def _normal_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = _squeeze(ip, filters, "normal", block_id)
    b = block_id
    x1 = layers.add([_separable_conv_block(h, filters, (5, 5), block_id=f"normal_left1_{b}"),
                     _separable_conv_block(p, filters, block_id=f"normal_right1_{b}")],
                    name=f"normal_add_1_{b}")
    x2 = layers.add([_separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{b}"),
                     _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{b}")],
                    name=f"normal_add_2_{b}")
    x3 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                 name=f"normal_left3_{b}")(h)
    x3 = layers.add([x3, p], name=f"normal_add_3_{b}")
    x4_1 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                   name=f"normal_left4_{b}")(p)
    x4_2 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                   name=f"normal_right4_{b}")(p)
    x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{b}")
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{b}")
    x5 = layers.add([x5, h], name=f"normal_add_5_{b}")
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=_concat_axis(),
                           name=f"normal_concat_{b}")
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = _squeeze(ip, filters, "reduction", block_id)
    b = block_id
    h3 = layers.ZeroPadding2D(padding=builder.correct_pad(h, 3), name=f"reduction_pad_1_{b}")(h)
    x1 = layers.add([
        _separable_conv_block(h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{b}"),
        _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                              block_id=f"reduction_right1_{b}")], name=f"reduction_add_1_{b}")
    x2_1 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                               name=f"reduction_left2_{b}")(h3)
    x2_2 = _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                 block_id=f"reduction_right2_{b}")
    x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{b}")
    x3_1 = layers.AveragePooling2D((3, 3), strides=(2, 2), padding="valid",
                                   name=f"reduction_left3_{b}")(h3)
    x3_2 = _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                 block_id=f"reduction_right3_{b}")
    x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{b}")
    x4 = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                 name=f"reduction_left4_{b}")(x1)
    x4 = layers.add([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{b}")
    x5_2 = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                               name=f"reduction_right5_{b}")(h3)
    x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{b}")
    x = layers.concatenate([x2, x3, x4, x5], axis=_concat_axis(),
                           name=f"reduction_concat_{b}")
    return x, ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
           skip_reduction=True, filter_multiplier=2, include_top=True, weights="imagenet",
           input_tensor=None, pooling=None, classes=1000, default_size=None,
           classifier_activation="softmax", name="NASNet"):
    """A NASNet-A: `num_blocks` normal cells between reductions, `penultimate_filters`
    channels before the head (a multiple of 24 * filter_multiplier**2)."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` "
                         "weights, the input_shape argument must be static (no None entries). "
                         f"Got: `input_shape={input_shape}`.")
    if penultimate_filters % (24 * filter_multiplier ** 2) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple of "
                         "24 * (`filter_multiplier` ** 2). "
                         f"Current value: {penultimate_filters}")
    default_size = 331 if default_size is None else default_size
    img_input = builder.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights, require_flatten=True)
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid",
                      use_bias=False, name="stem_conv1", kernel_initializer="he_normal")(img_input)
    x = _bn("stem_bn1")(x)
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier ** 2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stage in range(3):
        width = filters * filter_multiplier ** stage
        if stage:
            x, p0 = _reduction_a_cell(x, p, width, block_id=f"reduce_{stage * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            block_id = f"{i}" if stage == 0 else f"{stage * num_blocks + i + 1}"
            x, p = _normal_a_cell(x, p, width, block_id=block_id)
    x = layers.Activation("relu")(x)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation,
                              avg_name=None, max_name=None, top_pool_name=None)
    model = builder.make_model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        if default_size not in WEIGHT_FILES:
            raise ValueError("ImageNet weights can only be loaded with NASNetLarge or "
                             "NASNetMobile")
        remote, local, top_hash, no_top_hash = WEIGHT_FILES[default_size]
        suffix = ".h5" if include_top else "-no-top.h5"
        return builder.load_weights(model, weights, local + suffix.replace("-", "_"),
                                    WEIGHTS_ORIGIN + remote + suffix,
                                    top_hash if include_top else no_top_hash)
    return builder.load_weights(model, weights)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    """NASNetMobile (4 normal cells per stage, 1056 penultimate filters). Input 224x224x3
    by default (static; at least 32x32); arguments as `resnet.ResNet50`."""
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                  skip_reduction=False, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=224, classifier_activation=classifier_activation, name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    """NASNetLarge (6 normal cells per stage, 4032 penultimate filters). Input 331x331x3
    by default (static; at least 32x32); arguments as `resnet.ResNet50`."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                  skip_reduction=True, filter_multiplier=2, include_top=include_top,
                  weights=weights, input_tensor=input_tensor, pooling=pooling, classes=classes,
                  default_size=331, classifier_activation=classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
