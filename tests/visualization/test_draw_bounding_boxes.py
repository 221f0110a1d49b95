"""draw_bounding_boxes (Pillow; Keras's needs cv2): outline coloured, interior untouched."""

import numpy as np
import pytest

import lamina
from lamina.visualization import draw_bounding_boxes

IMAGES = np.zeros((2, 40, 50, 3), "float32")
BOXES = {"boxes": np.array([[[10, 5, 30, 25], [0, 0, 1, 1]], [[2, 3, 12, 13], [0, 0, 0, 0]]],
                           "float32"),
         "labels": np.array([[1, -1], [0, -1]])}


def test_outline_coloured_interior_and_padding_untouched():
    out = draw_bounding_boxes(IMAGES, BOXES, "xyxy", color=(255, 0, 0), line_thickness=1)
    assert out.shape == IMAGES.shape and out.dtype == np.uint8
    red = (out[..., 0] == 255) & (out[..., 1] == 0)
    for x in (10, 20, 30):
        assert red[0, 5, x] and red[0, 25, x]  # top and bottom edges
    for y in (5, 15, 25):
        assert red[0, y, 10] and red[0, y, 30]  # left and right edges
    assert not out[0, 6:25, 11:30].any()  # interior
    assert not red[0, 0, 0]  # label -1 box is skipped
    assert red[1, 3, 2] and red[1, 13, 12] and not out[1, 4:13, 3:12].any()
    assert int(red[0].sum()) == 2 * 21 + 2 * 19  # one-pixel outline of a 21x21 box


def test_formats_thickness_labels_and_channels_first():
    xywh = {"boxes": lamina.utils.bounding_boxes.convert_format(BOXES["boxes"], "xyxy", "xywh"),
            "labels": BOXES["labels"]}
    ref = draw_bounding_boxes(IMAGES, BOXES, "xyxy")
    np.testing.assert_array_equal(draw_bounding_boxes(IMAGES, xywh, "xywh"), ref)
    assert (ref[0, 5, 20] == 128).all() and (ref[0, 6, 20] == 128).all()  # 2 px thick
    first = draw_bounding_boxes(np.transpose(IMAGES, (0, 3, 1, 2)), BOXES, "xyxy",
                                data_format="channels_first")
    np.testing.assert_array_equal(np.transpose(first, (0, 2, 3, 1)), ref)
    named = draw_bounding_boxes(IMAGES, dict(BOXES, confidences=np.full((2, 2), 0.9)), "xyxy",
                                class_mapping={1: "cat"})
    assert named[0].sum() > ref[0].sum()  # the text adds pixels to image 0 only
    np.testing.assert_array_equal(named[1], ref[1])
    # Float images in [0, 1] are scaled to 255 before drawing.
    ones = draw_bounding_boxes(np.full((1, 8, 8, 3), 0.5, "float32"),
                               {"boxes": np.zeros((1, 0, 4)), "labels": np.zeros((1, 0))}, "xyxy")
    assert (ones == 127).all()


def test_errors():
    with pytest.raises(ValueError, match=r"batched 4D.*\(40, 50, 3\)"):
        draw_bounding_boxes(IMAGES[0], BOXES, "xyxy")
    with pytest.raises(TypeError, match="should be a dict"):
        draw_bounding_boxes(IMAGES, BOXES["boxes"], "xyxy")
    with pytest.raises(ValueError, match="'labels'"):
        draw_bounding_boxes(IMAGES, {"boxes": BOXES["boxes"]}, "xyxy")
    with pytest.raises(ValueError, match=r"`source`.*'xxyy'"):
        draw_bounding_boxes(IMAGES, BOXES, "xxyy")
