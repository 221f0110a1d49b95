"""Box formats and `convert_format`: every format goes through absolute xyxy."""

import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype

# Each format maps to (to_xyxy, from_xyxy); both take (boxes[..., 4], height, width).
# Relative formats scale x by width and y by height.


def _cat(*parts):
    return jnp.concatenate(parts, axis=-1)


def _cols(boxes):
    return jnp.split(boxes, 4, axis=-1)


def _xywh_to_xyxy(b, h, w):
    x, y, bw, bh = _cols(b)
    return _cat(x, y, x + bw, y + bh)


def _xyxy_to_xywh(b, h, w):
    x1, y1, x2, y2 = _cols(b)
    return _cat(x1, y1, x2 - x1, y2 - y1)


def _center_xywh_to_xyxy(b, h, w):
    cx, cy, bw, bh = _cols(b)
    return _cat(cx - bw / 2.0, cy - bh / 2.0, cx + bw / 2.0, cy + bh / 2.0)


def _xyxy_to_center_xywh(b, h, w):
    x1, y1, x2, y2 = _cols(b)
    return _cat(x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0, x2 - x1, y2 - y1)


def _swap_xy(b, h, w):
    a, c, d, e = _cols(b)
    return _cat(c, a, e, d)


def _center_yxhw_to_xyxy(b, h, w):
    return _center_xywh_to_xyxy(_swap_xy(b, h, w), h, w)


def _xyxy_to_center_yxhw(b, h, w):
    return _swap_xy(_xyxy_to_center_xywh(b, h, w), h, w)


def _identity(b, h, w):
    return b


def _scale(b, h, w):
    x1, y1, x2, y2 = _cols(b)
    return _cat(x1 * w, y1 * h, x2 * w, y2 * h)


def _unscale(b, h, w):
    x1, y1, x2, y2 = _cols(b)
    return _cat(x1 / w, y1 / h, x2 / w, y2 / h)


_ABSOLUTE = {
    "xyxy": (_identity, _identity),
    "yxyx": (_swap_xy, _swap_xy),
    "xywh": (_xywh_to_xyxy, _xyxy_to_xywh),
    "center_xywh": (_center_xywh_to_xyxy, _xyxy_to_center_xywh),
    "center_yxhw": (_center_yxhw_to_xyxy, _xyxy_to_center_yxhw),
}
# Relative layouts Keras supports: the absolute layout, in units of the image size.
_RELATIVE_OF = ("xyxy", "yxyx", "xywh", "center_xywh")
SUPPORTED_FORMATS = tuple(_ABSOLUTE) + tuple("rel_" + name for name in _RELATIVE_OF)


def check_format(value, argument, allowed=SUPPORTED_FORMATS):
    """Lower-cases a format string; raises naming `argument` when unknown."""
    name = value.lower() if isinstance(value, str) else value
    if name not in allowed:
        raise ValueError(
            f"Invalid `{argument}` bounding box format. Expected one of {allowed}. "
            f"Received: {argument}={value!r}")
    return name


def to_xyxy(boxes, fmt, height, width):
    """Boxes in `fmt` -> absolute xyxy (`height`/`width` used by rel_* only)."""
    if fmt.startswith("rel_"):
        return _scale(_ABSOLUTE[fmt[4:]][0](boxes, height, width), height, width)
    return _ABSOLUTE[fmt][0](boxes, height, width)


def from_xyxy(boxes, fmt, height, width):
    """Absolute xyxy boxes -> `fmt`."""
    if fmt.startswith("rel_"):
        return _ABSOLUTE[fmt[4:]][1](_unscale(boxes, height, width), height, width)
    return _ABSOLUTE[fmt][1](boxes, height, width)


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Converts boxes `(..., 4)` (or a dict's "boxes") from `source` to `target` format.

    Formats: xyxy, yxyx, xywh, center_xywh, center_yxhw, rel_xyxy, rel_yxyx, rel_xywh,
    rel_center_xywh (case-insensitive). `height`/`width` are needed when either format is
    relative. Returns boxes cast to `dtype` (default float32); a dict comes back as a new
    dict with "boxes" replaced.
    """
    if isinstance(boxes, dict):
        out = dict(boxes)
        out["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return out
    boxes = jnp.asarray(boxes)
    if boxes.ndim == 0 or boxes.shape[-1] != 4:
        raise ValueError("`boxes` must be a tensor with the last dimension of 4. "
                         f"Received: boxes.shape={tuple(boxes.shape)}")
    source = check_format(source, "source")
    target = check_format(target, "target")
    relative = source.startswith("rel_") or target.startswith("rel_")
    if relative and (height is None or width is None):
        raise ValueError(
            "convert_format() needs `height` and `width` to convert between relative and "
            f"absolute formats. Received: source={source!r}, target={target!r}, "
            f"height={height}, width={width}")
    dtype = standardize_dtype(dtype)
    boxes = boxes.astype(dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        # Both relative: a pure layout change, no scaling needed.
        source, target, height, width = source[4:], target[4:], None, None
    h = None if height is None else jnp.asarray(height, dtype)
    w = None if width is None else jnp.asarray(width, dtype)
    return from_xyxy(to_xyxy(boxes, source, h, w), target, h, w)
