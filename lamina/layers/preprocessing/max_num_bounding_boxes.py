"""MaxNumBoundingBoxes: give every image exactly `max_number` bounding boxes."""

import jax.numpy as jnp

from lamina.layers.preprocessing.image_layer import ImageLayer


class MaxNumBoundingBoxes(ImageLayer):
    """Truncate or pad (with `fill_value`) the `bounding_boxes` of a
    {"images", "bounding_boxes": {"boxes", "labels"}, ...} input to `max_number` boxes:
    boxes (batch, n, 4) -> (batch, max_number, 4), labels (batch, n) -> (batch,
    max_number); a single image's (n, 4) / (n,) likewise. Images, labels and other keys
    pass unchanged. As in Keras, a `bounding_box_format` keyword must be given for inputs
    with boxes.

    Args:
        max_number: required. fill_value: -1.
    """

    def __init__(self, max_number, fill_value=-1, **kwargs):
        self.bounding_box_format = kwargs.pop("bounding_box_format", None)
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def _fit(self, values, batched):
        values = jnp.asarray(values)
        if not batched:
            values = values[None]
        kept = values[:, :self.max_number]
        pad = [(0, 0), (0, self.max_number - kept.shape[1])] + [(0, 0)] * (values.ndim - 2)
        out = jnp.pad(kept, pad, constant_values=jnp.asarray(self.fill_value, values.dtype))
        return out if batched else out[0]

    def call(self, inputs, training=True):
        if not isinstance(inputs, dict) or "bounding_boxes" not in inputs:
            return inputs
        if not self.bounding_box_format:
            raise ValueError("MaxNumBoundingBoxes: you passed an input with a 'bounding_boxes' "
                             "key, but you didn't specify a bounding box format. Pass a "
                             "`bounding_box_format` argument, e.g. "
                             "`bounding_box_format='xyxy'`.")
        boxes = dict(inputs["bounding_boxes"])
        extra = sorted(set(boxes) - {"boxes", "labels"})
        if extra or "boxes" not in boxes or "labels" not in boxes:
            raise ValueError(f"MaxNumBoundingBoxes: `bounding_boxes` must have exactly the keys "
                             f"'boxes' and 'labels'; got {sorted(boxes)}.")
        batched = jnp.ndim(boxes["boxes"]) == 3
        if jnp.ndim(boxes["boxes"]) not in (2, 3) or jnp.shape(boxes["boxes"])[-1] != 4:
            raise ValueError(f"MaxNumBoundingBoxes: boxes must have shape (batch, n, 4) or "
                             f"(n, 4); got {jnp.shape(boxes['boxes'])}.")
        boxes["boxes"] = self._fit(boxes["boxes"], batched)
        boxes["labels"] = self._fit(boxes["labels"], batched)
        return {**inputs, "bounding_boxes": boxes}

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, dict) or "bounding_boxes" not in input_shape:
            return input_shape
        boxes = dict(input_shape["bounding_boxes"])
        for key in ("boxes", "labels"):
            shape = list(boxes[key])
            shape[-2 if key == "boxes" else -1] = self.max_number
            boxes[key] = tuple(shape)
        return {**input_shape, "bounding_boxes": boxes}

    def get_config(self):
        config = {**super().get_config(), "max_number": self.max_number,
                  "fill_value": self.fill_value}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config
