"""`keras.applications.convnext`: ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., 2022).
The models normalize their input themselves (`include_preprocessing`), so
`preprocess_input` is the identity."""

from lamina import initializers, layers, ops
from lamina.applications import builder, imagenet_utils
from lamina.core.layer import Layer
from lamina.models.sequential import Sequential
from lamina.core.serialization.object_registration import get_custom_objects

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# sha256 of Keras's files: {model name: (with top, without top)}.
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
# depths and channels of the four stages.
VARIANTS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}


class LayerScale(Layer):
    """Multiplies the last axis by a learned vector of `projection_dim` values, initialised
    to `init_values` (the residual-branch scale of ConvNeXt blocks)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values),
                                     trainable=True)
        self.built = True

    def call(self, x):
        return ops.multiply(x, self.gamma)

    def get_config(self):
        return {**super().get_config(), "init_values": self.init_values,
                "projection_dim": self.projection_dim}


# Keras saves this layer under its bare class name.
get_custom_objects()["LayerScale"] = LayerScale


def _layer_norm(name=None):
    return layers.LayerNormalization(epsilon=1e-6, name=name)


def convnext_block(x, projection_dim, layer_scale_init_value=1e-6, name=None):
    """7x7 depthwise -> LayerNorm -> Dense 4x -> GELU -> Dense -> LayerScale, + input."""
    inputs = x
    x = layers.Conv2D(projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                      name=name + "_depthwise_conv")(x)
    x = _layer_norm(name + "_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=name + "_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=name + "_gelu")(x)
    x = layers.Dense(projection_dim, name=name + "_pointwise_conv_2")(x)
    if layer_scale_init_value is not None:
        x = LayerScale(layer_scale_init_value, projection_dim, name=name + "_layer_scale")(x)
    return inputs + layers.Activation("linear", name=name + "_identity")(x)


def ConvNeXt(depths, projection_dims, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None,
             input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", weights_name=None):
    """A ConvNeXt with `depths[i]` blocks of `projection_dims[i]` channels per stage."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    x = img_input
    if include_preprocessing:
        x = layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=name + "_prestem_normalization")(x)
    downsample = [Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=name + "_stem_conv"),
        _layer_norm(name + "_stem_layernorm")], name=name + "_stem")]
    for i in range(3):
        downsample.append(Sequential([
            _layer_norm(f"{name}_downsampling_layernorm_{i}"),
            layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                          name=f"{name}_downsampling_conv_{i}")],
            name=f"{name}_downsampling_block_{i}"))
    for i in range(4):
        x = downsample[i](x)
        for j in range(depths[i]):
            x = convnext_block(x, projection_dims[i], layer_scale_init_value,
                               name=f"{name}_stage_{i}_block_{j}")
    if include_top:
        x = layers.GlobalAveragePooling2D(name=name + "_head_gap")(x)
        x = _layer_norm(name + "_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=name + "_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = _layer_norm()(x)
    model = builder.make_model(input_tensor, img_input, x, name)
    if weights == "imagenet":
        fname = weights_name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + fname, file_hash)
    return builder.load_weights(model, weights)


def _variant(size):
    depths, dims = VARIANTS[size]
    public = f"ConvNeXt{'XLarge' if size == 'xlarge' else size.capitalize()}"

    def build(include_top=True, include_preprocessing=True, weights="imagenet",
              input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=f"convnext_{size}"):
        return ConvNeXt(depths, dims, default_size=224, name=name,
                        include_preprocessing=include_preprocessing, include_top=include_top,
                        weights=weights, input_tensor=input_tensor, input_shape=input_shape,
                        pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation,
                        weights_name=f"convnext_{size}")

    build.__name__ = build.__qualname__ = public
    build.__doc__ = (f"{public}: stages of {depths} blocks with {dims} channels. Default input "
                     "224x224x3 (at least 32x32), 0-255 RGB (normalized inside with "
                     "`include_preprocessing`); arguments as `resnet.ResNet50`.")
    return build


ConvNeXtTiny = _variant("tiny")
ConvNeXtSmall = _variant("small")
ConvNeXtBase = _variant("base")
ConvNeXtLarge = _variant("large")
ConvNeXtXLarge = _variant("xlarge")


def preprocess_input(x, data_format=None):
    """The identity: ConvNeXt models normalize their inputs themselves."""
    return x


decode_predictions = imagenet_utils.decode_predictions
