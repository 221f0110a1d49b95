"""clip_to_image_size, crop, pad, affine_transform against Keras 3.15 (JAX) and by hand."""

import numpy as np
import pytest

from lamina.utils import bounding_boxes as bb

keras = pytest.importorskip("keras")
kbb = keras.utils.bounding_boxes

BOXES = np.array([[[10, 20, 40, 60], [5, 5, 30, 30], [-8, 90, 130, 120]]], "float32")


def test_clip_matches_keras_and_drops_empty_labels():
    data = {"boxes": np.array([[-10, -20, 150, 160], [130, 40, 170, 80]], "float32"),
            "labels": np.array([0, 1])}
    got = bb.clip_to_image_size(data, height=100, width=120)
    want = kbb.clip_to_image_size(dict(data), 100, 120)
    np.testing.assert_allclose(got["boxes"], [[0, 0, 120, 100], [120, 40, 120, 80]])
    np.testing.assert_allclose(got["boxes"], want["boxes"])
    np.testing.assert_array_equal(got["labels"], [0, -1])
    rel = bb.clip_to_image_size({"boxes": BOXES / 100}, bounding_box_format="rel_xyxy")
    assert float(rel["boxes"].min()) == 0.0 and float(rel["boxes"].max()) == 1.0
    assert "labels" not in rel


def test_clip_errors():
    with pytest.raises(ValueError, match="height.*width"):
        bb.clip_to_image_size({"boxes": BOXES}, bounding_box_format="xyxy")
    with pytest.raises(ValueError, match=r"`bounding_box_format`.*'xywh'"):
        bb.clip_to_image_size({"boxes": BOXES}, 10, 10, bounding_box_format="xywh")


@pytest.mark.parametrize("boxes", [BOXES, BOXES[0]])
def test_crop_and_pad_match_keras(boxes):
    np.testing.assert_allclose(bb.crop(boxes, 10, 5, 40, 30), kbb.crop(boxes, 10, 5, 40, 30))
    np.testing.assert_allclose(bb.pad(boxes, 10, 5), kbb.pad(boxes, 10, 5))
    np.testing.assert_allclose(bb.pad(boxes, 10, 5).reshape(-1, 4)[0], [15, 30, 45, 70])


def test_crop_pad_refuse_other_formats():
    for fn in (bb.crop, bb.pad):
        with pytest.raises(ValueError, match=r"`bounding_box_format`.*'yxyx'"):
            fn(BOXES, 1, 1, 10, 10, bounding_box_format="yxyx")


def test_affine_matches_keras_per_batch_parameters():
    boxes = np.concatenate([BOXES, BOXES[:, ::-1]], axis=0)

    def f32(*v):
        return np.array(v, "float32")

    args = (f32(15, -30), f32(0.1, 0.0), f32(-0.05, 0.2), f32(1.2, 0.8), f32(5, 0),
            f32(-3, 10), 100, 120)
    got = bb.affine_transform(boxes, *args, center_x=f32(0.4, 0.5), center_y=f32(0.5, 0.6))
    want = kbb.affine_transform(boxes, *args, center_x=f32(0.4, 0.5), center_y=f32(0.5, 0.6))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_affine_identity_scalars_and_unbatched():
    # Keras needs batched boxes and per-batch arrays; scalars and (N, 4) also work here.
    got = bb.affine_transform(BOXES[0], 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 100, 120)
    np.testing.assert_allclose(got, BOXES[0], atol=1e-4)
    shifted = bb.affine_transform(BOXES, 0.0, 0.5, 0.0, 1.0, 0.0, 0.0, 101, 121)
    np.testing.assert_allclose(shifted, BOXES + np.array([60, 0, 60, 0], "float32"), atol=1e-4)
    with pytest.raises(ValueError, match=r"`bounding_box_format`.*'xywh'"):
        bb.affine_transform(BOXES, 0, 0, 0, 1, 0, 0, 10, 10, bounding_box_format="xywh")
