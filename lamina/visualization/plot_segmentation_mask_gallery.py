"""plot_segmentation_mask_gallery: each image beside its true/predicted masks drawn on it."""

import numpy as np

from lamina.backend.config import image_data_format
from lamina.visualization.draw_segmentation_masks import draw_segmentation_masks
from lamina.visualization.plot_image_gallery import plot_image_gallery


def plot_segmentation_mask_gallery(images, num_classes, value_range=(0, 255), y_true=None,
                                   y_pred=None, color_mapping=None, blend=True, alpha=0.8,
                                   ignore_index=-1, data_format=None, **kwargs):
    """One row per image of `images` (batch, H, W, C): the image, then `y_true` and `y_pred`
    masks (batch, H, W, 1) drawn on it by `draw_segmentation_masks`; plotted with
    `plot_image_gallery` (`**kwargs`: its `path`, `show`, `scale`, ...)."""
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"`images` must be a batched 4D tensor. Received: images.shape={images.shape}")
    channels_first = (data_format or image_data_format()) == "channels_first"
    if channels_first:
        images = np.transpose(images, (0, 2, 3, 1))
    columns = [images]
    for masks in (y_true, y_pred):
        if masks is None:
            continue
        masks = np.asarray(masks)
        if channels_first:
            masks = np.transpose(masks, (0, 2, 3, 1))
        columns.append(draw_segmentation_masks(
            images, masks.astype("int32"), num_classes=num_classes, color_mapping=color_mapping,
            alpha=alpha, blend=blend, ignore_index=ignore_index, data_format="channels_last"))
    # Interleave: image 0, its masks, image 1, ...
    gallery = np.stack([column[i] for i in range(images.shape[0]) for column in columns]
                       ).astype("float32")
    return plot_image_gallery(gallery, value_range=value_range, rows=images.shape[0],
                              cols=len(columns), data_format="channels_last", **kwargs)
