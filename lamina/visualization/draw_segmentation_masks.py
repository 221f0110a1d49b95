"""draw_segmentation_masks: paints class colours over images (NumPy)."""

import numpy as np

from lamina.backend.config import image_data_format


def default_palette(num_classes):
    """Keras's deterministic palette: class i gets (i * primes-ish) % 255 per channel."""
    base = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
    return [((i * base) % 255).tolist() for i in range(num_classes)]


def draw_segmentation_masks(images, segmentation_masks, num_classes=None, color_mapping=None,
                            alpha=0.8, blend=True, ignore_index=-1, data_format=None):
    """Colours each pixel of `images` (batch, H, W, C) by its class in `segmentation_masks`
    (batch, H, W, 1) or (batch, H, W), integer.

    Classes 0..num_classes-1 get `color_mapping[c]` (default: a fixed palette);
    `num_classes` defaults to the mask's maximum (so, as in Keras, that top class is left
    unpainted). With `blend` (default), the colour is mixed at `alpha` (0.8) and pixels equal
    to `ignore_index` (-1) keep the image; returns uint8. Without it, returns float32.
    """
    data_format = data_format or image_data_format()
    images = np.asarray(images)
    masks = np.asarray(segmentation_masks)
    if images.ndim != 4:
        raise ValueError(f"`images` must be a batched 4D tensor. Received: images.shape={images.shape}")
    if data_format == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
        masks = np.transpose(masks, (0, 2, 3, 1)) if masks.ndim == 4 else masks
    if not np.issubdtype(masks.dtype, np.integer):
        raise TypeError("`segmentation_masks` must be in integer dtype. "
                        f"Received: segmentation_masks.dtype={masks.dtype}")
    if masks.ndim == 4:
        if masks.shape[-1] != 1:
            raise ValueError("`segmentation_masks` must have one channel. "
                             f"Received: segmentation_masks.shape={masks.shape}")
        masks = masks[..., 0]
    images = images.astype("float32")
    if num_classes is None:
        num_classes = int(masks.max())
    colors = default_palette(num_classes) if color_mapping is None else [
        color_mapping[c] for c in range(num_classes)]
    painted = images.copy()
    for c, color in enumerate(colors):
        painted[masks == c] = np.asarray(color, "float32")
    if not blend:
        return painted
    mixed = images * (1 - alpha) + painted * alpha
    keep_image = (masks == ignore_index)[..., None]
    return np.where(keep_image, images, mixed).astype("uint8")
