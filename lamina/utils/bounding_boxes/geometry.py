"""Geometric edits of xyxy boxes: clip to the image, crop, pad, affine transform."""

import math

import jax.numpy as jnp

from lamina.utils.bounding_boxes.formats import check_format

_XYXY_ONLY = ("xyxy",)


def _clip_xyxy(boxes, height, width):
    x1, y1, x2, y2 = jnp.split(boxes, 4, axis=-1)
    return jnp.concatenate([jnp.clip(x1, 0, width), jnp.clip(y1, 0, height),
                            jnp.clip(x2, 0, width), jnp.clip(y2, 0, height)], axis=-1)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clips a dict's "boxes" `(N, 4)`/`(batch, N, 4)` to the image; boxes left with no area
    get label -1. Formats: "xyxy" (needs `height`, `width`) or "rel_xyxy" (clips to [0, 1]).
    Returns a new dict."""
    fmt = check_format(bounding_box_format, "bounding_box_format", ("xyxy", "rel_xyxy"))
    if fmt == "xyxy" and (height is None or width is None):
        raise ValueError("clip_to_image_size() needs `height` and `width` for "
                         f"bounding_box_format='xyxy'. Received: height={height}, width={width}")
    boxes = jnp.asarray(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels")
    if fmt == "xyxy":
        boxes = _clip_xyxy(boxes, jnp.asarray(height, boxes.dtype),
                           jnp.asarray(width, boxes.dtype))
    else:
        boxes = jnp.clip(boxes, 0.0, 1.0).astype(boxes.dtype)
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        area = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
        result["labels"] = jnp.where(area > 0, jnp.asarray(labels), -1)
    return result


def crop(boxes, top, left, height, width, bounding_box_format="xyxy"):
    """Moves xyxy boxes into a crop window at (`top`, `left`) and clips them to its
    `height` x `width`. `boxes`: `(N, 4)` or `(batch, N, 4)`."""
    check_format(bounding_box_format, "bounding_box_format", _XYXY_ONLY)
    boxes = jnp.asarray(boxes)
    shift = jnp.asarray([left, top, left, top], dtype=jnp.result_type(boxes, left, top))
    return _clip_xyxy(boxes - shift, height, width)


def pad(boxes, top, left, height=None, width=None, bounding_box_format="xyxy"):
    """Shifts xyxy boxes by a padding of `top` rows and `left` columns. `height`/`width`
    (the padded image size) are accepted for Keras's signature; the shift does not need
    them."""
    check_format(bounding_box_format, "bounding_box_format", _XYXY_ONLY)
    boxes = jnp.asarray(boxes)
    shift = jnp.asarray([left, top, left, top], dtype=jnp.result_type(boxes, left, top))
    return boxes + shift


def _inverse_affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale,
                           shear_x, shear_y, height, width):
    """Per-batch 2x3 matrix that maps output pixels back to input pixels (rows x', y')."""
    rot = -angle * (math.pi / 180.0)
    sx = -shear_x * (math.pi / 180.0)
    sy = -shear_y * (math.pi / 180.0)
    cx = center_x * (width - 1)
    cy = center_y * (height - 1)
    tx = -translate_x * (width - 1)
    ty = -translate_y * (height - 1)
    a = jnp.cos(rot - sy) / jnp.cos(sy)
    b = a * jnp.tan(sx) + jnp.sin(rot)
    c = -jnp.sin(rot - sy) / jnp.cos(sy)
    d = jnp.cos(rot) - c * jnp.tan(sx)
    m00, m01, m10, m11 = d * scale, -b * scale, -c * scale, a * scale
    m02 = cx - m00 * (cx + tx) - m01 * (cy + ty)
    m12 = cy - m10 * (cx + tx) - m11 * (cy + ty)
    return jnp.stack([jnp.stack([m00, m01, m02], -1), jnp.stack([m10, m11, m12], -1)], -2)


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y,
                     height, width, center_x=None, center_y=None, bounding_box_format="xyxy"):
    """Maps xyxy boxes through the affine transform that Keras's RandomAffine-style image
    layers apply, returning the axis-aligned box around the four moved corners.

    `boxes`: `(batch, N, 4)` (or `(N, 4)`, treated as batch 1); `angle`, `shear_*` in
    degrees, `translate_*` and `center_*` (default 0.5) as fractions of the image size;
    each transform parameter is a scalar or one value per batch element.
    """
    check_format(bounding_box_format, "bounding_box_format", _XYXY_ONLY)
    boxes = jnp.asarray(boxes)
    unbatched = boxes.ndim == 2
    if unbatched:
        boxes = boxes[None]
    if boxes.ndim != 3 or boxes.shape[-1] != 4:
        raise ValueError("affine_transform() expects `boxes` of shape (N, 4) or "
                         f"(batch, N, 4). Received: boxes.shape={boxes.shape}")
    batch = boxes.shape[0]
    dtype = jnp.result_type(jnp.asarray(angle).dtype, jnp.float32)

    def per_batch(value):
        return jnp.broadcast_to(jnp.asarray(value, dtype).reshape(-1), (batch,))

    center_x = 0.5 if center_x is None else center_x
    center_y = 0.5 if center_y is None else center_y
    matrix = _inverse_affine_matrix(*(per_batch(v) for v in (
        center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y)),
        height=jnp.asarray(height, dtype), width=jnp.asarray(width, dtype))
    boxes = boxes.astype(dtype)
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    corners = jnp.stack([jnp.stack([x1, y1], -1), jnp.stack([x2, y1], -1),
                         jnp.stack([x2, y2], -1), jnp.stack([x1, y2], -1)], axis=2)
    moved = jnp.einsum("bnkj,bij->bnki", corners, matrix[..., :2]) + matrix[:, None, None, :, 2]
    out = jnp.concatenate([moved.min(axis=2), moved.max(axis=2)], axis=-1)
    return out[0] if unbatched else out
