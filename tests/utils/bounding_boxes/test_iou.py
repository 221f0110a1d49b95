"""compute_iou / compute_ciou against Keras 3.15 (JAX) and hand-computed values."""

import numpy as np
import pytest

from lamina.utils import bounding_boxes as bb

keras = pytest.importorskip("keras")
kbb = keras.utils.bounding_boxes


def _boxes(shape, seed):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 50, shape[:-1] + (2,))
    wh = rng.uniform(5, 40, shape[:-1] + (2,))
    return np.concatenate([xy, xy + wh], axis=-1).astype("float32")


@pytest.mark.parametrize("shape1,shape2", [((4, 4), (3, 4)), ((2, 4, 4), (2, 3, 4)),
                                           ((2, 4, 4), (3, 4)), ((4, 4), (2, 3, 4))])
@pytest.mark.parametrize("fmt", ["xyxy", "yxyx", "center_xywh"])
def test_iou_matches_keras_for_every_rank_mix(shape1, shape2, fmt):
    b1, b2 = _boxes(shape1, 1), _boxes(shape2, 2)
    got = bb.compute_iou(b1, b2, fmt)
    np.testing.assert_allclose(got, kbb.compute_iou(b1, b2, fmt), rtol=1e-5, atol=1e-7)
    assert got.shape == np.broadcast_shapes(shape1[:-2], shape2[:-2]) + (shape1[-2], shape2[-2])


def test_iou_known_value_relative_and_masking():
    b1 = np.array([[0, 0, 2, 2], [-1, -1, -1, -1]], "float32")
    b2 = np.array([[1, 1, 3, 3]], "float32")
    np.testing.assert_allclose(bb.compute_iou(b1, b2, "xyxy")[0, 0], 1 / 7, rtol=1e-5)
    masked = bb.compute_iou(b1, b2, "xyxy", use_masking=True, mask_val=-5)
    np.testing.assert_allclose(masked, kbb.compute_iou(b1, b2, "xyxy", use_masking=True,
                                                       mask_val=-5), rtol=1e-5)
    assert masked[1, 0] == -5
    rel = bb.compute_iou(b1[:1] / 4, b2 / 4, "rel_xyxy", image_shape=(4, 4, 3))
    np.testing.assert_allclose(rel, [[1 / 7]], rtol=1e-5)


def test_iou_errors():
    with pytest.raises(ValueError, match="image_shape"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((1, 4)), "rel_xyxy")
    with pytest.raises(ValueError, match=r"`boxes1`.*\(4,\)"):
        bb.compute_iou(np.zeros((4,)), np.zeros((1, 4)), "xyxy")
    with pytest.raises(ValueError, match=r"`bounding_box_format`.*'xxyy'"):
        bb.compute_iou(np.zeros((1, 4)), np.zeros((1, 4)), "xxyy")


@pytest.mark.parametrize("shape", [(5, 4), (2, 5, 4)])
@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "center_yxhw"])
def test_ciou_matches_keras(shape, fmt):
    b1, b2 = _boxes(shape, 3), _boxes(shape, 4)
    got = bb.compute_ciou(b1, b2, fmt)
    np.testing.assert_allclose(got, kbb.compute_ciou(b1, b2, fmt), rtol=1e-5, atol=1e-6)
    assert got.shape == shape[:-1]


def test_ciou_identical_boxes_is_one_and_relative_refused():
    boxes = _boxes((3, 4), 5)
    np.testing.assert_allclose(bb.compute_ciou(boxes, boxes, "xyxy"), np.ones(3), rtol=1e-5)
    with pytest.raises(ValueError, match="relative"):
        bb.compute_ciou(boxes, boxes, "rel_xyxy", image_shape=(10, 10, 3))
