"""Intersection over union (pairwise table) and Complete IoU (elementwise)."""

import math

import jax.numpy as jnp

from lamina.backend.config import epsilon
from lamina.utils.bounding_boxes.formats import check_format, convert_format


def _image_size(bounding_box_format, image_shape, function):
    """(height, width) from `image_shape` (height, width, channels); required for rel_*."""
    if bounding_box_format.startswith("rel_") and image_shape is None:
        raise ValueError(
            f"{function}() needs `image_shape` for relative bounding box formats. "
            f"Received: bounding_box_format={bounding_box_format!r}, image_shape=None")
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def compute_iou(boxes1, boxes2, bounding_box_format, use_masking=False, mask_val=-1,
                image_shape=None):
    """IoU of every box in `boxes1` with every box in `boxes2`.

    `boxes1`: `(M, 4)` or `(batch, M, 4)`; `boxes2`: `(N, 4)` or `(batch, N, 4)`.
    Returns `(M, N)`, or `(batch, M, N)` when either is batched. With `use_masking`,
    pairs where either box has all coordinates < 0 (padding) get `mask_val`.
    """
    fmt = check_format(bounding_box_format, "bounding_box_format")
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if jnp.ndim(boxes) not in (2, 3):
            raise ValueError(
                f"compute_iou() expects `{name}` of rank 2 (N, 4) or 3 (batch, N, 4). "
                f"Received: {name}.shape={jnp.shape(boxes)}")
    height, width = _image_size(fmt, image_shape, "compute_iou")
    b1 = convert_format(boxes1, fmt, "xyxy", height, width)
    b2 = convert_format(boxes2, fmt, "xyxy", height, width)
    # (..., M, 1, 4) against (..., 1, N, 4): broadcasting covers mixed batched/unbatched.
    p1, p2 = b1[..., :, None, :], b2[..., None, :, :]
    inter_w = jnp.maximum(0.0, jnp.minimum(p1[..., 2], p2[..., 2]) - jnp.maximum(p1[..., 0], p2[..., 0]))
    inter_h = jnp.maximum(0.0, jnp.minimum(p1[..., 3], p2[..., 3]) - jnp.maximum(p1[..., 1], p2[..., 1]))
    intersection = inter_w * inter_h

    def area(b):
        return (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])

    union = area(p1) + area(p2) - intersection
    iou = intersection / (union + epsilon())
    if not use_masking:
        return iou
    padding = (b1.max(axis=-1) < 0)[..., :, None] | (b2.max(axis=-1) < 0)[..., None, :]
    return jnp.where(padding, jnp.asarray(mask_val, iou.dtype), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format, image_shape=None):
    """Complete IoU of `boxes1[i]` with `boxes2[i]` (shapes `(..., 4)`, broadcast):
    IoU minus the normalised centre distance and an aspect-ratio term. Returns `(...)`.

    Like Keras 3.15, relative formats are refused even when `image_shape` is given.
    """
    fmt = check_format(bounding_box_format, "bounding_box_format")
    if fmt.startswith("rel_"):
        raise ValueError(
            "compute_ciou() does not accept relative bounding box formats. "
            f"Received: bounding_box_format={bounding_box_format!r}")
    height, width = _image_size(fmt, image_shape, "compute_ciou")
    b1 = convert_format(boxes1, fmt, "xyxy", height, width)
    b2 = convert_format(boxes2, fmt, "xyxy", height, width)
    eps = epsilon()
    x1a, y1a, x2a, y2a = (b1[..., i] for i in range(4))
    x1b, y1b, x2b, y2b = (b2[..., i] for i in range(4))
    # Keras adds epsilon to heights (not widths): keeps the arctan ratios finite.
    w1, h1 = x2a - x1a, y2a - y1a + eps
    w2, h2 = x2b - x1b, y2b - y1b + eps
    intersection = (jnp.maximum(jnp.minimum(x2a, x2b) - jnp.maximum(x1a, x1b), 0)
                    * jnp.maximum(jnp.minimum(y2a, y2b) - jnp.maximum(y1a, y1b), 0))
    union = w1 * h1 + w2 * h2 - intersection + eps
    iou = intersection / (union + eps)
    enclosing_diag2 = ((jnp.maximum(x2a, x2b) - jnp.minimum(x1a, x1b)) ** 2
                       + (jnp.maximum(y2a, y2b) - jnp.minimum(y1a, y1b)) ** 2 + eps)
    centre_dist2 = ((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2
    v = (4 / math.pi ** 2) * (jnp.arctan(w2 / h2) - jnp.arctan(w1 / h1)) ** 2
    alpha = v / (v - iou + (1 + eps))
    return iou - (centre_dist2 / enclosing_diag2 + v * alpha)
