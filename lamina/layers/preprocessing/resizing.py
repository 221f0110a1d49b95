"""Resizing and CenterCrop: deterministic image resizing and cropping."""

from lamina.layers.preprocessing.image_layer import ImageLayer, check_choice
from lamina.ops.image import resize


def _size(layer_name, height, width):
    for name, value in (("height", height), ("width", width)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{layer_name}: {name} must be a positive int; got {value!r}.")
    return height, width


def fit_to_size(images, height, width):
    """Centre-crop a channels_last batch to the target aspect ratio, then resize it
    (bilinear) to height x width: the largest centred window, nothing stretched."""
    return resize(images, (height, width), crop_to_aspect_ratio=True,
                  data_format="channels_last")


class Resizing(ImageLayer):
    """Resize images to (height, width).

    interpolation: "bilinear" (default), "nearest", "bicubic", "lanczos3", "lanczos5".
    crop_to_aspect_ratio / pad_to_aspect_ratio: first centre-crop, or pad with
    `fill_value`, to the target aspect ratio so the content is not distorted.
    antialias: low-pass filter when downsampling. Outputs are floats of the layer's dtype.
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = _size("Resizing", height, width)
        check_choice("Resizing", "interpolation", interpolation,
                     ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"))
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio cannot "
                             "both be True.")
        check_choice("Resizing", "fill_mode", fill_mode, ("constant",))
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)

    def call(self, inputs):
        images, restore = self._as_batch(inputs)
        out = resize(images, (self.height, self.width), interpolation=self.interpolation,
                     antialias=self.antialias, crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                     pad_to_aspect_ratio=self.pad_to_aspect_ratio, fill_value=self.fill_value,
                     data_format="channels_last")
        return restore(out)

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(ImageLayer):
    """Crop the central height x width window of each image. An image smaller than that
    in either dimension is instead cropped to the target aspect ratio and resized."""

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = _size("CenterCrop", height, width)

    def call(self, inputs):
        images, restore = self._as_batch(inputs)
        h, w = images.shape[1:3]
        if h < self.height or w < self.width:
            return restore(fit_to_size(images, self.height, self.width))
        top, left = (h - self.height) // 2, (w - self.width) // 2
        return restore(images[:, top:top + self.height, left:left + self.width])

    def compute_output_shape(self, input_shape):
        return self._with_size(input_shape, self.height, self.width)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
