"""VGG16 / VGG19 (Simonyan & Zisserman, 2014): stacks of 3x3 convolutions and max pooling,
then two 4096-unit dense layers. Shared by `vgg16` and `vgg19`."""

from lamina import layers
from lamina.applications import builder, imagenet_utils

WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/"


def build_vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling,
              classes, classifier_activation, name, weight_files, folder):
    """VGG with `convs_per_block[b]` convolutions in block b+1 (64, 128, 256, 512, 512
    filters). `weight_files`: {include_top: (file name, md5)} under vgg<depth>/."""
    builder.check_arguments(weights, include_top, classes, pooling, classifier_activation)
    img_input = builder.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    x = img_input
    for block, (n, filters) in enumerate(zip(convs_per_block, (64, 128, 256, 512, 512)), 1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
    x = builder.pooled_or_top(x, include_top, pooling, classes, classifier_activation,
                              avg_name=None, max_name=None, top_pool=False)
    model = builder.make_model(input_tensor, img_input, x, name)
    fname, file_hash = weight_files[bool(include_top)]
    return builder.load_weights(model, weights, fname, WEIGHTS_ORIGIN + f"{folder}/{fname}",
                                file_hash)


def preprocess_input(x, data_format=None):
    """RGB images (0-255) -> BGR minus the ImageNet mean ("caffe" mode)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
