"""Images on the host: PIL images <-> arrays, load and save files (Pillow, optional:
`pip install lamina[image]`)."""

import io
import pathlib
import warnings

import numpy as np

from lamina.backend import config
from lamina.ops import image as image_ops

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Image loading and saving need Pillow: pip install pillow "
                          "(or lamina[image]).") from None
    return Image


def _data_format(data_format):
    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Invalid data_format {data_format!r}; expected 'channels_last' or "
                         "'channels_first'.")
    return data_format


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3D array (height, width, channels) -> a PIL image: 1 channel -> "L" (or "I" when a
    value exceeds 255 and `scale` is False), 3 -> "RGB", 4 -> "RGBA". `scale` maps the
    array's range onto 0..255 first."""
    image = _pil()
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(f"array_to_img(): expected an image array of rank 3, received an "
                         f"array of shape {x.shape}")
    if _data_format(data_format) == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x = x / top
        x = x * 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img(): expected 1, 3 or 4 channels, received {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image -> a 3D array, (height, width, channels) for "channels_last"."""
    x = np.asarray(img, dtype=dtype or config.floatx())
    channels_first = _data_format(data_format) == "channels_first"
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if channels_first else x
    if x.ndim == 2:
        return x[np.newaxis] if channels_first else x[:, :, np.newaxis]
    raise ValueError(f"img_to_array(): unsupported image shape {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write the image array `x` to `path` (format from `file_format` or the file name);
    extra keywords go to `PIL.Image.save` (e.g. quality=90)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and (file_format == "jpeg" or file_format == "jpg" or (
            file_format is None and str(path).lower().endswith((".jpg", ".jpeg")))):
        warnings.warn("The JPEG format does not support RGBA images; the alpha channel is "
                      "dropped.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Read an image file (a path or a file-like of bytes) into a PIL image.

    color_mode: "grayscale", "rgb" or "rgba". target_size: (height, width) to resize to,
    with `interpolation` one of nearest, bilinear, bicubic, hamming, box, lanczos;
    `keep_aspect_ratio` crops the centre to the target's aspect ratio first.
    """
    image = _pil()
    modes = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
    if color_mode not in modes:
        raise ValueError(f"load_img(): color_mode must be one of {sorted(modes)}, received "
                         f"{color_mode!r}")
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (str, pathlib.Path)):
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img(): path should be a path or io.BytesIO, received "
                        f"{type(path).__name__}")
    wanted = modes[color_mode]
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif img.mode != wanted:
        img = img.convert(wanted)
    if target_size is None:
        return img
    if interpolation not in _RESAMPLING:
        raise ValueError(f"load_img(): interpolation must be one of {list(_RESAMPLING)}, "
                         f"received {interpolation!r}")
    height, width = target_size
    if img.size == (width, height):
        return img
    resample = getattr(image.Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:
        w, h = img.size
        crop_w, crop_h = min(w, (h * width) // height), min(h, (w * height) // width)
        left, top = (w - crop_w) // 2, (h - crop_h) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return img.resize((width, height), resample=resample, box=box)


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Resize an image (3D) or a batch (4D) to `size` = (height, width) without distorting
    it: the largest centred crop with the target's aspect ratio is resized."""
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword argument(s) {sorted(kwargs)}")
    if len(size) != 2:
        raise ValueError(f"smart_resize(): size must be (height, width), received {size!r}")
    x = np.asarray(x) if not hasattr(x, "shape") else x
    if x.ndim not in (3, 4):
        raise ValueError(f"smart_resize(): expected a 3D image or a 4D batch, received shape "
                         f"{tuple(x.shape)}")
    h_axis = x.ndim - 3 if data_format == "channels_last" else x.ndim - 2
    height, width = x.shape[h_axis], x.shape[h_axis + 1]
    target_h, target_w = size
    crop_h = min(height, (width * target_h) // target_w)
    crop_w = min(width, (height * target_w) // target_h)
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    index = [slice(None)] * x.ndim
    index[h_axis] = slice(top, top + crop_h)
    index[h_axis + 1] = slice(left, left + crop_w)
    return image_ops.resize(x[tuple(index)], size, interpolation=interpolation,
                            data_format=data_format)
