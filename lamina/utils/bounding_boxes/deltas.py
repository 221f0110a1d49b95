"""Box regression targets: boxes <-> (dy, dx, log dh, log dw) deltas against anchors."""

import jax.numpy as jnp

from lamina.backend.config import epsilon
from lamina.utils.bounding_boxes.formats import convert_format

_CENTER_FORMATS = ("center_xywh", "center_yxhw")


def _check(variance, encoding, argument):
    if encoding not in _CENTER_FORMATS:
        raise ValueError(f"`{argument}` must be one of {_CENTER_FORMATS}. "
                         f"Received: {argument}={encoding!r}")
    if variance is None:
        return None
    variance = jnp.asarray(variance, jnp.float32)
    if variance.shape[-1:] != (4,):
        raise ValueError(f"`variance` must have length 4. Received: variance={variance}")
    return variance


def _image_size(image_shape):
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def encode_box_to_deltas(anchors, boxes, anchor_format, box_format,
                         encoding_format="center_yxhw", variance=None, image_shape=None):
    """Deltas that move `anchors` `(N, 4)` onto `boxes` `(N, 4)`/`(B, N, 4)`: centre offsets
    over anchor size and log size ratios, in `encoding_format` order, divided by `variance`
    (4 values) when given. `image_shape` (height, width, channels) serves rel_* formats."""
    variance = _check(variance, encoding_format, "encoding_format")
    height, width = _image_size(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_size = jnp.maximum(anchors[..., 2:], epsilon())
    box_size = jnp.maximum(boxes[..., 2:], epsilon())
    deltas = jnp.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_size,
                              jnp.log(box_size / anchor_size)], axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors, boxes_delta, anchor_format, box_format,
                           encoded_format="center_yxhw", variance=None, image_shape=None):
    """Inverse of `encode_box_to_deltas`: applies `boxes_delta` to `anchors` and returns
    boxes in `box_format`. `anchors`/`boxes_delta` may be dicts of per-level arrays with the
    same keys; a dict of decoded boxes comes back."""
    variance = _check(variance, encoded_format, "encoded_format")
    height, width = _image_size(image_shape)

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = jnp.asarray(delta)
        if variance is not None:
            delta = delta * variance
        boxes = jnp.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                                 jnp.exp(delta[..., 2:]) * anchor[..., 2:]], axis=-1)
        return convert_format(boxes, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)
