"""What every application builder does around its architecture: check the arguments,
make the input, add the classifier head or the global pooling, name the model, and
load weights (None, a file, or Keras's published ImageNet weights through `get_file`).
"""

import os

from lamina import activations, backend, layers
from lamina.applications.imagenet_utils import obtain_input_shape
from lamina.core.keras_tensor import KerasTensor
from lamina.models.functional import Functional
from lamina.datasets.get_file import get_file
from lamina.utils.source_inputs import get_source_inputs

POOLINGS = (None, "avg", "max")


def check_arguments(weights, include_top, classes, pooling=None, classifier_activation=None):
    """Raise the builders' ValueErrors for bad `weights`, `classes`, `pooling`, activation."""
    if not (weights in ("imagenet", None) or
            (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), 'imagenet' (pre-training on ImageNet), or the path "
                         f"to the weights file to be loaded.  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` "
                         f"should be 1000.  Received classes={classes}")
    if not include_top and pooling not in POOLINGS:
        raise ValueError(f"`pooling` must be None, 'avg' or 'max'. Received: pooling={pooling!r}")
    if include_top and weights is not None:
        if activations.get(classifier_activation) not in (activations.get("softmax"),
                                                          activations.get(None)):
            raise ValueError("Only `None` and `softmax` activations are allowed for the "
                             "`classifier_activation` argument when using pretrained weights, "
                             "with `include_top=True`; Received: "
                             f"classifier_activation={classifier_activation}")


def image_input(input_shape, input_tensor, default_size, min_size, include_top, weights,
                require_flatten=None):
    """The image input tensor: `input_tensor` when it is symbolic, else a new `Input`."""
    shape = obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=backend.image_data_format(),
        require_flatten=include_top if require_flatten is None else require_flatten,
        weights=weights)
    return input_layer(shape, input_tensor)


def input_layer(shape, input_tensor):
    """A new `Input(shape)`, or `input_tensor` itself when given (it must be symbolic)."""
    if input_tensor is None:
        return layers.Input(shape=shape)
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError("`input_tensor` must be a symbolic tensor (`keras.Input(...)` or a "
                         f"layer's output). Received: input_tensor={type(input_tensor)}")
    return input_tensor


def pooled_or_top(x, include_top, pooling, classes, classifier_activation,
                  avg_name="avg_pool", max_name="max_pool", top_pool=True, dropout=None,
                  top_pool_name="avg_pool"):
    """The classifier head: global average pooling (`top_pool`, named `top_pool_name`),
    optional dropout, Dense "predictions"; or without the top the requested `pooling`
    ("avg" named `avg_name`, "max" named `max_name`, None: `x` as is)."""
    if include_top:
        if top_pool:
            x = layers.GlobalAveragePooling2D(name=top_pool_name)(x)
        if dropout:
            x = layers.Dropout(dropout, name="top_dropout")(x)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def make_model(input_tensor, img_input, outputs, name):
    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    return Functional(inputs, outputs, name=name)


def load_weights(model, weights, fname=None, origin=None, file_hash=None):
    """Load `weights` into `model`: "imagenet" downloads (or finds cached) Keras's file
    `origin` under the name `fname` in the "models" cache; a path is loaded as is."""
    if weights == "imagenet":
        path = get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
        model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


def batchnorm_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def make_divisible(value, divisor=8, min_value=None):
    """`value` rounded to a multiple of `divisor` (at least `min_value`, default `divisor`),
    never more than 10% below `value`: the channel rounding of the MobileNets and
    EfficientNets."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def correct_pad(x, kernel_size):
    """ZeroPadding2D padding that makes a stride-2 "valid" convolution of `kernel_size`
    match TensorFlow's "same" one (one row/column less on the top/left for even sizes)."""
    spatial = x.shape[1:3] if backend.image_data_format() == "channels_last" else x.shape[2:4]
    kernel_size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    adjust = (1, 1) if spatial[0] is None else (1 - spatial[0] % 2, 1 - spatial[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def mobile_input_shape(input_shape, input_tensor):
    """`input_shape`, or the shape of `input_tensor` (without batch) when only it is given;
    and the (rows, cols) it implies (None when unknown)."""
    if input_shape is None and input_tensor is not None:
        input_shape = tuple(input_tensor.shape[1:])
    if input_shape is None:
        return None, (None, None)
    if backend.image_data_format() == "channels_last":
        return input_shape, tuple(input_shape[:2])
    return input_shape, tuple(input_shape[1:3])
