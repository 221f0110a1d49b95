"""`keras.applications.mobilenet`: MobileNet (Howard et al., 2017), depthwise separable
convolutions with a width multiplier `alpha`, and its preprocessing ("tf" mode)."""

import warnings

from lamina import backend, layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
IMAGENET_ROWS = (128, 160, 192, 224)
IMAGENET_ALPHAS = (0.25, 0.50, 0.75, 1.0)


def _conv_block(x, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    axis = builder.batchnorm_axis()
    x = layers.Conv2D(int(filters * alpha), kernel, padding="same", use_bias=False,
                      strides=strides, name="conv1")(x)
    x = layers.BatchNormalization(axis=axis, name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(x, pointwise_filters, alpha, depth_multiplier=1, strides=(1, 1),
                          block_id=1):
    """3x3 depthwise (stride 1 "same", or stride 2 after a bottom/right zero pad) then 1x1
    pointwise, each followed by BatchNormalization and relu6."""
    axis = builder.batchnorm_axis()
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(pointwise_filters * alpha), (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=axis, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


# (pointwise filters, stride) of depthwise blocks 1..13.
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
          (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax", name=None):
    """MobileNet. Default input 224x224x3, at least 32x32.

    Args:
        alpha: width multiplier of every layer's filters (ImageNet weights exist for
            0.25, 0.5, 0.75 and 1.0 at 128, 160, 192 and 224 pixels).
        depth_multiplier: channels per input channel of the depthwise convolutions.
        dropout: rate before the 1x1 convolution classifier.
        name: default "mobilenet_<alpha>_<rows>".
        Other arguments as `resnet.ResNet50`.
    """
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    input_shape, (rows, cols) = builder.mobile_input_shape(input_shape, input_tensor)
    default_size = rows if rows == cols and rows in IMAGENET_ROWS else 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = (input_shape[:2] if backend.image_data_format() == "channels_last" else
                  input_shape[1:])
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be "
                             f"1.  Received depth_multiplier={depth_multiplier}")
        if alpha not in IMAGENET_ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of "
                             f"`0.25`, `0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in IMAGENET_ROWS:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                          "[128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                          "loaded as the default.", stacklevel=2)
    img_input = builder.input_layer(input_shape, input_tensor)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(BLOCKS, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                  strides=(stride, stride), block_id=block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = builder.pooled_or_top(x, False, pooling, classes, classifier_activation,
                                  avg_name=None, max_name=None)
    model = builder.make_model(input_tensor, img_input, x,
                               name or f"mobilenet_{alpha:0.2f}_{rows}")
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}.get(alpha)
    fname = f"mobilenet_{alpha_text}_{rows}_tf{'' if include_top else '_no_top'}.h5"
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname)


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> [-1, 1] ("tf" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
