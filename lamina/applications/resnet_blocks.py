"""The residual networks of He et al.: ResNet v1 (2015, post-activation bottleneck blocks)
and v2 (2016, pre-activation). Shared by `resnet`, `resnet50` and `resnet_v2`.

Layer names follow Keras: conv<stage>_block<i>_<j>_conv / _bn / _relu, with the projection
shortcut as _0_conv / _0_bn."""

from lamina import layers
from lamina.applications import builder

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# md5 of Keras's files: {model name: (with top, without top)}.
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
EPS = 1.001e-5


def _bn(name):
    return layers.BatchNormalization(axis=builder.batchnorm_axis(), epsilon=EPS, name=name)


def block_v1(x, filters, stride=1, conv_shortcut=True, name=None):
    """Bottleneck: 1x1 (stride) -> 3x3 -> 1x1 (4 * filters), added to the shortcut, relu."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = _bn(name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = _bn(name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def stack_v1(x, filters, blocks, stride1=2, name=None):
    x = block_v1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def block_v2(x, filters, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck: BN-relu first; the stride is on the 3x3 convolution."""
    preact = _bn(name + "_preact_bn")(x)
    preact = layers.Activation("relu", name=name + "_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact)
    x = _bn(name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = _bn(name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def stack_v2(x, filters, blocks, stride1=2, name=None):
    x = block_v2(x, filters, conv_shortcut=True, name=name + "_block1")
    for i in range(2, blocks):
        x = block_v2(x, filters, name=f"{name}_block{i}")
    return block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def build_resnet(blocks, preact, include_top, weights, input_tensor, input_shape, pooling,
                 classes, classifier_activation, name, weights_name):
    """ResNet with `blocks` bottlenecks in stages conv2..conv5 (64..512 filters);
    `preact` selects v2."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = _bn("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    stack = stack_v2 if preact else stack_v1
    for stage, (n, filters) in enumerate(zip(blocks, (64, 128, 256, 512)), 2):
        if preact:
            stride1 = 1 if stage == 5 else 2
        else:
            stride1 = 1 if stage == 2 else 2
        x = stack(x, filters, n, stride1=stride1, name=f"conv{stage}")
    if preact:
        x = _bn("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation)
    model = builder.make_model(input_tensor, img_input, x, name)
    fname = weights_name + ("_weights_tf_dim_ordering_tf_kernels.h5" if include_top else
                    "_weights_tf_dim_ordering_tf_kernels_notop.h5")
    file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)
