"""What the image preprocessing layers share: the data format, float images in the
layer's dtype, single images as batches of one, and, for the random augmentation
layers, a SeedGenerator and the `training` switch.

Images are (batch, height, width, channels) for "channels_last" (the default from
`keras.config.image_data_format()`), (batch, channels, height, width) otherwise; a
single image drops the batch axis.
"""

import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.ops._util import data_format as standardize_data_format
from lamina.ops.image import _to_channels_last
from lamina.random.seed_generator import SeedGenerator


class ImageLayer(Layer):
    """Base of the image layers: `_as_batch` gives `call` a float channels_last batch
    and a function that puts the result back in the input's layout (single image or
    batch, channels_last or channels_first)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.built = True

    def _as_batch(self, inputs):
        """(float channels_last batch, function that restores the input's layout)."""
        inputs = jnp.asarray(inputs)
        self._hw_axes(inputs.ndim)  # a clear error naming the layer for a bad rank
        images, restore = _to_channels_last(inputs, self.data_format)
        if images.dtype != self.compute_dtype:
            images = images.astype(self.compute_dtype)
        return images, restore

    def _hw_axes(self, ndim):
        """The (height, width) axes of an input of rank `ndim` (3 or 4)."""
        if ndim not in (3, 4):
            raise ValueError(f"{type(self).__name__} '{self.name}' expects a 3-D image or a "
                             f"4-D batch of images; got rank {ndim}.")
        return (-2, -1) if self.data_format == "channels_first" else (-3, -2)

    def _with_size(self, input_shape, height, width):
        shape = list(input_shape)
        h, w = self._hw_axes(len(shape))
        shape[h], shape[w] = height, width
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict):
            return dict(input_shape)
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class RandomImageLayer(ImageLayer):
    """Base of the augmentation layers: random in training (the default when the layer
    is called directly, as in Keras; `fit` passes training=True), `_inference` (the
    identity unless overridden) when training=False, e.g. in `predict` and `evaluate`.

    Each call draws its keys from `self.seed_generator`, whose state is a non-trainable
    variable: a compiled training step gets fresh randomness every step.
    """

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed)

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return self._call_dict(inputs, training)
        images, restore = self._as_batch(inputs)
        if training:
            return restore(self._augment(images, self.seed_generator.next()))
        return restore(self._inference(images))

    def _call_dict(self, inputs, training):
        """Keras's dict form {"images", "labels"}: the images transformed, the labels
        transformed alike by `_augment_labelled` (unchanged unless a layer mixes them).
        Bounding boxes and segmentation masks are refused, never passed through."""
        name = type(self).__name__
        for key in ("bounding_boxes", "segmentation_masks"):
            if key in inputs:
                raise ValueError(f"{name}: inputs with {key!r} are not supported by lamina's "
                                 f"{name}; pass {{'images': ..., 'labels': ...}} only.")
        unknown = sorted(set(inputs) - {"images", "labels"})
        if "images" not in inputs or unknown:
            raise ValueError(f"{name}: a dict input needs an 'images' key and may have a "
                             f"'labels' key; got keys {sorted(inputs)}.")
        images, restore = self._as_batch(inputs["images"])
        labels = inputs.get("labels")
        if training:
            images, labels = self._augment_labelled(images, labels,
                                                    self.seed_generator.next())
        else:
            images = self._inference(images)
        out = {"images": restore(images)}
        if "labels" in inputs:
            out["labels"] = labels
        return out

    def _augment(self, images, key):
        """The random transform of a float channels_last batch with jax key `key`."""
        return images

    def _augment_labelled(self, images, labels, key):
        """(images, labels) after the random transform; labels may be None."""
        return self._augment(images, key), labels

    def _inference(self, images):
        return images

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def factor_range(factor, name, low=-1.0, high=1.0, low_open=False):
    """(lower, upper) from a number f, meaning (-f, f), or a pair; every value must lie in
    [low, high] (or (low, high] with `low_open`)."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"`{name}` must be a number or a pair of numbers; got {factor!r}.")
        values = sorted(float(f) for f in factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [-abs(float(factor)), abs(float(factor))]
    else:
        raise ValueError(f"`{name}` must be a number or a pair of numbers; got {factor!r}.")
    for v in values:
        if v > high or v < low or (low_open and v == low):
            bracket = "(" if low_open else "["
            raise ValueError(f"`{name}` values must be in {bracket}{low}, {high}]; got "
                             f"{factor!r}.")
    return values[0], values[1]


def value_range_pair(value_range):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError("`value_range` must be a pair (low, high), e.g. (0, 255); got "
                         f"{value_range!r}.")
    low, high = sorted(value_range)
    return low, high


def check_choice(layer_name, arg, value, choices):
    if value not in choices:
        raise ValueError(f"{layer_name}: {arg} must be one of {tuple(choices)}; got {value!r}.")
    return value


def listed(factor):
    """A factor for a config: pairs as lists (JSON has no tuples)."""
    return list(factor) if isinstance(factor, tuple) else factor
