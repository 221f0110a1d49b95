"""plot_bounding_box_gallery: images with true/predicted boxes drawn, as a gallery."""

import numpy as np

from lamina.backend.config import image_data_format
from lamina.visualization.draw_bounding_boxes import draw_bounding_boxes
from lamina.visualization.plot_image_gallery import import_pyplot, plot_image_gallery


def plot_bounding_box_gallery(images, bounding_box_format, y_true=None, y_pred=None,
                              value_range=(0, 255), true_color=(0, 188, 212),
                              pred_color=(255, 235, 59), line_thickness=2, font_scale=1.0,
                              text_thickness=None, class_mapping=None, ground_truth_mapping=None,
                              prediction_mapping=None, legend=False, legend_handles=None,
                              rows=None, cols=None, data_format=None, **kwargs):
    """Draws `y_true` (in `true_color`) and `y_pred` (in `pred_color`) box dicts on `images`
    (batch, H, W, C) and plots them with `plot_image_gallery` (`**kwargs`: its `path`,
    `show`, `scale`, `dpi`, ...). `legend=True` adds a two-entry legend; give it or
    `legend_handles`, not both. Class names: `ground_truth_mapping`/`prediction_mapping`,
    each defaulting to `class_mapping`."""
    import_pyplot("plot_bounding_box_gallery")
    from matplotlib import patches

    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"`images` must be a batched 4D tensor. Received: images.shape={images.shape}")
    if (data_format or image_data_format()) == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    if legend and legend_handles:
        raise ValueError("Only pass `legend` OR `legend_handles` to plot_bounding_box_gallery().")
    for boxes, color, mapping in ((y_true, true_color, ground_truth_mapping or class_mapping),
                                  (y_pred, pred_color, prediction_mapping or class_mapping)):
        if boxes is not None:
            images = draw_bounding_boxes(images, boxes, bounding_box_format, mapping, color,
                                         line_thickness, text_thickness, font_scale,
                                         data_format="channels_last")
    if legend:
        legend_handles = [patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
                          patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction")]
    return plot_image_gallery(images, value_range=value_range, legend_handles=legend_handles,
                              rows=rows, cols=cols, data_format="channels_last", **kwargs)
