"""draw_bounding_boxes: box outlines and class labels drawn on images (Pillow)."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from lamina.backend.config import image_data_format
from lamina.utils.bounding_boxes.formats import convert_format


def to_uint8_images(images):
    """Float images in [0, 1] are scaled to 255, others clipped to [0, 255]; then uint8."""
    images = np.asarray(images)
    if images.dtype.kind == "f" and images.size > 0:
        images = np.clip(images, 0, 1) * 255 if images.max() <= 1.0 else np.clip(images, 0, 255)
    return images.astype("uint8")


def _label_origin(x, y, font_scale, thickness):
    """Label above the box when it fits, else just inside its top-left corner."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8 - font_height  # Pillow anchors text at its top, not its baseline
    return x + 3, y + thickness + 3


def draw_bounding_boxes(images, bounding_boxes, bounding_box_format, class_mapping=None,
                        color=(128, 128, 128), line_thickness=2, text_thickness=1,
                        font_scale=1.0, data_format=None):
    """Draws boxes (and `class_mapping` names, with "confidences" when given) on a copy of
    `images` (batch, H, W, C); returns uint8 numpy images of the same layout.

    `bounding_boxes`: dict with "boxes" (batch, N, 4) in `bounding_box_format` and "labels"
    (batch, N); label -1 marks padding and is skipped. Floats in [0, 1] are scaled to 255.
    """
    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    data_format = data_format or image_data_format()
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"`images` must be a batched 4D tensor. Received: images.shape={images.shape}")
    if not isinstance(bounding_boxes, dict):
        raise TypeError("`bounding_boxes` should be a dict. Received: bounding_boxes of type "
                        f"{type(bounding_boxes)}")
    if "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("`bounding_boxes` should be a dict containing 'boxes' and 'labels' "
                         f"keys. Received keys: {sorted(bounding_boxes)}")
    if data_format == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    height, width = images.shape[1:3]
    boxes = np.asarray(convert_format(bounding_boxes["boxes"], bounding_box_format, "xyxy",
                                      height, width))
    labels = np.asarray(bounding_boxes["labels"])
    confidences = bounding_boxes.get("confidences")
    images = to_uint8_images(images).copy()
    fill = np.broadcast_to(np.asarray(color, "uint8"), images.shape[-1:])
    font = ImageFont.load_default(size=max(1, int(round(12 * font_scale))))
    for i, image in enumerate(images):
        # Draw on a one-channel stencil so any channel count and colour length work.
        stencil = Image.new("L", (width, height), 0)
        pen = ImageDraw.Draw(stencil)
        for j, box in enumerate(boxes[i]):
            c = int(labels[i][j])
            if c == -1:
                continue
            x1, y1, x2, y2 = (int(v) for v in box.astype("int32"))
            pen.rectangle([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)],
                          outline=255, width=line_thickness)
            if c in class_mapping:
                text = str(class_mapping[c])
                if confidences is not None:
                    text = f"{text} | {float(np.asarray(confidences)[i][j]):.2f}"
                pen.text(_label_origin(x1, y1, font_scale, text_thickness), text, fill=255,
                         font=font, stroke_width=max(0, text_thickness - 1), stroke_fill=255)
        image[np.asarray(stencil) > 0] = fill
    if data_format == "channels_first":
        images = np.transpose(images, (0, 3, 1, 2))
    return images
