"""lamina.utils.bounding_boxes: box format conversion, IoU, geometry and anchor deltas."""

from lamina.utils.bounding_boxes.deltas import decode_deltas_to_boxes, encode_box_to_deltas
from lamina.utils.bounding_boxes.formats import convert_format
from lamina.utils.bounding_boxes.geometry import affine_transform, clip_to_image_size, crop, pad
from lamina.utils.bounding_boxes.iou import compute_ciou, compute_iou
