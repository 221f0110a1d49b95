"""MaxNumBoundingBoxes against Keras 3: boxes and labels truncated or padded to
max_number, images and labels unchanged, the bounding box format required."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

IMAGES = np.random.default_rng(12).random((2, 6, 6, 3)).astype("float32")
BOXES = {"boxes": np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4),
         "labels": np.array([[1, 2, 3], [4, 5, 6]], "int32")}


@pytest.mark.parametrize("max_number, fill_value", [(5, -1), (2, 0), (3, 7)])
def test_batched_boxes_match_keras(max_number, fill_value):
    def run(module):
        layer = module.layers.MaxNumBoundingBoxes(max_number, fill_value,
                                                  bounding_box_format="xyxy")
        return layer({"images": IMAGES, "labels": np.eye(2, dtype="float32"),
                      "bounding_boxes": {k: v.copy() for k, v in BOXES.items()}})

    ours, theirs = run(lamina), run(keras)
    assert sorted(ours) == sorted(theirs)
    for key in ("boxes", "labels"):
        np.testing.assert_array_equal(np.asarray(ours["bounding_boxes"][key]),
                                      np.asarray(theirs["bounding_boxes"][key]))
    np.testing.assert_array_equal(np.asarray(ours["images"]), IMAGES)
    np.testing.assert_array_equal(np.asarray(ours["labels"]), np.eye(2))


def test_single_image_config_and_errors():
    layer = lamina.layers.MaxNumBoundingBoxes(4, bounding_box_format="xyxy")
    out = layer({"images": IMAGES[0], "bounding_boxes": {"boxes": BOXES["boxes"][0],
                                                         "labels": BOXES["labels"][0]}})
    assert out["bounding_boxes"]["boxes"].shape == (4, 4)
    np.testing.assert_array_equal(np.asarray(out["bounding_boxes"]["labels"]), [1, 2, 3, -1])
    np.testing.assert_array_equal(np.asarray(layer(IMAGES)), IMAGES)
    config = layer.get_config()
    assert config["max_number"] == 4 and config["bounding_box_format"] == "xyxy"
    assert lamina.layers.MaxNumBoundingBoxes.from_config(config).max_number == 4
    with pytest.raises(ValueError, match="MaxNumBoundingBoxes: .*bounding box format"):
        lamina.layers.MaxNumBoundingBoxes(2)({"images": IMAGES, "bounding_boxes": BOXES})
    with pytest.raises(ValueError, match="exactly the keys 'boxes' and 'labels'"):
        layer({"images": IMAGES, "bounding_boxes": {**BOXES, "scores": BOXES["labels"]}})
