"""`keras.applications.densenet`: DenseNet121/169/201 (Huang et al., 2017), each layer fed
the concatenation of all earlier ones, and its preprocessing ("torch" mode)."""

from lamina import layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# md5 of Keras's files: {model name: (with top, without top)}.
WEIGHTS_HASHES = {
    "densenet121": ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    "densenet169": ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    "densenet201": ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
EPS = 1.001e-5


def _bn(name):
    return layers.BatchNormalization(axis=builder.batchnorm_axis(), epsilon=EPS, name=name)


def conv_block(x, growth_rate, name):
    """BN-relu-1x1 (4 * growth) -> BN-relu-3x3 (growth), concatenated to the input."""
    x1 = _bn(name + "_0_bn")(x)
    x1 = layers.Activation("relu", name=name + "_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + "_1_conv")(x1)
    x1 = _bn(name + "_1_bn")(x1)
    x1 = layers.Activation("relu", name=name + "_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_2_conv")(x1)
    return layers.Concatenate(axis=builder.batchnorm_axis(), name=name + "_concat")([x, x1])


def dense_block(x, blocks, name):
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN-relu-1x1 convolution to `reduction` of the channels, then 2x2 average pooling."""
    x = _bn(name + "_bn")(x)
    x = layers.Activation("relu", name=name + "_relu")(x)
    x = layers.Conv2D(int(x.shape[builder.batchnorm_axis()] * reduction), 1, use_bias=False,
                      name=name + "_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=name + "_pool")(x)


def build_densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes,
                   classifier_activation, name, weights_name):
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, n in enumerate(blocks, 2):
        x = dense_block(x, n, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = _bn("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation)
    model = builder.make_model(input_tensor, img_input, x, name)
    fname = (f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
             f"{'' if include_top else '_notop'}.h5")
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname,
                                WEIGHTS_HASHES[weights_name][0 if include_top else 1])


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    """DenseNet121 (6, 12, 24, 16 layers per dense block). Default input 224x224x3, at
    least 32x32; arguments as `resnet.ResNet50`."""
    return build_densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape,
                          pooling, classes, classifier_activation, name, "densenet121")


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    """DenseNet169 (6, 12, 32, 32 layers per dense block); arguments as `DenseNet121`."""
    return build_densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape,
                          pooling, classes, classifier_activation, name, "densenet169")


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    """DenseNet201 (6, 12, 48, 32 layers per dense block); arguments as `DenseNet121`."""
    return build_densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape,
                          pooling, classes, classifier_activation, name, "densenet201")


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [0, 1], minus the ImageNet mean, over its std ("torch" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


decode_predictions = imagenet_utils.decode_predictions
