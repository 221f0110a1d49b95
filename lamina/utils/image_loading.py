"""Decode an image file with Pillow and resize it in NumPy as TensorFlow does for Keras's
`image_dataset_from_directory` / `load_img`: `tf.image.resize` (half-pixel centers, no
antialiasing), crop to the aspect ratio (Keras's `smart_resize`) or pad to it
(`tf.image.resize_with_pad`). Pixels are float32 in [0, 255], shape (H, W, C)."""

import math

import numpy as np

ALLOWED_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
INTERPOLATIONS = ("bilinear", "nearest")


def decode(path, color_mode):
    """The pixels of the image file at `path` as a uint8 (H, W, C) array; the error names
    the file when Pillow cannot read it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.seek(0)  # the first frame of an animation, as TensorFlow reads it
            if color_mode == "grayscale":
                if image.mode not in ("L", "I;16", "I", "F"):
                    rgb = np.asarray(image.convert("RGB"), dtype=np.int64)
                    # libpng's RGB -> gray as TensorFlow's decoder asks for it: weights
                    # 0.299 / 0.587 / rest in 15-bit fixed point, truncated
                    gray = (rgb @ np.array([9797, 19234, 3737])) >> 15
                    return gray.astype(np.uint8)[..., None]
                return np.asarray(image.convert("L"))[..., None]
            return np.asarray(image.convert("RGBA" if color_mode == "rgba" else "RGB"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ValueError(f"Cannot read the image file {path!r}: {error}") from error


def _linear_axis(size_in, size_out):
    """(low index, high index, weight of high) per output position (half-pixel centers)."""
    scale = size_in / size_out
    centers = (np.arange(size_out) + 0.5) * scale - 0.5
    low = np.floor(centers)
    weight = centers - low
    low_i = np.clip(low, 0, size_in - 1).astype(int)
    high_i = np.clip(low + 1, 0, size_in - 1).astype(int)
    return low_i, high_i, weight


def resize(image, size, interpolation="bilinear"):
    """`image` (H, W, C) resized to `size` (height, width), float32."""
    image = np.asarray(image, dtype=np.float32)
    height, width = size
    if interpolation == "nearest":
        rows = np.minimum(np.floor((np.arange(height) + 0.5) * image.shape[0] / height),
                          image.shape[0] - 1).astype(int)
        cols = np.minimum(np.floor((np.arange(width) + 0.5) * image.shape[1] / width),
                          image.shape[1] - 1).astype(int)
        return image[rows][:, cols]
    r0, r1, rw = _linear_axis(image.shape[0], height)
    c0, c1, cw = _linear_axis(image.shape[1], width)
    top = image[r0] * (1 - rw)[:, None, None] + image[r1] * rw[:, None, None]
    out = top[:, c0] * (1 - cw)[None, :, None] + top[:, c1] * cw[None, :, None]
    return out.astype(np.float32)


def crop_to_aspect_ratio(image, size):
    """The centered crop of `image` with the aspect ratio of `size` (Keras's smart_resize)."""
    height, width = image.shape[:2]
    target_h, target_w = size
    crop_h = min(height, int(float(width * target_h) / target_w))
    crop_w = min(width, int(float(height * target_w) / target_h))
    top = int(float(height - crop_h) / 2)
    left = int(float(width - crop_w) / 2)
    return image[top:top + crop_h, left:left + crop_w]


def resize_with_pad(image, size, interpolation):
    """`tf.image.resize_with_pad`: resize keeping the aspect ratio, pad with zeros."""
    height, width = image.shape[:2]
    target_h, target_w = size
    ratio = max(width / target_w, height / target_h)
    new_h, new_w = height / ratio, width / ratio
    resized = resize(image, (int(new_h), int(new_w)), interpolation)
    top = max(0, int(math.floor((target_h - new_h) / 2)))
    left = max(0, int(math.floor((target_w - new_w) / 2)))
    out = np.zeros((target_h, target_w, image.shape[2]), np.float32)
    out[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
    return out


def load_image(path, image_size, color_mode="rgb", interpolation="bilinear",
               crop_to_aspect_ratio_=False, pad_to_aspect_ratio=False):
    """The image at `path`, decoded and resized to `image_size`, float32 (H, W, C)."""
    pixels = decode(path, color_mode)
    if crop_to_aspect_ratio_:
        pixels = crop_to_aspect_ratio(pixels, image_size)
    elif pad_to_aspect_ratio:
        return resize_with_pad(pixels, image_size, interpolation)
    return resize(pixels, image_size, interpolation)
