"""encode_box_to_deltas / decode_deltas_to_boxes against Keras 3.15 (JAX); round trips."""

import numpy as np
import pytest

from lamina.utils import bounding_boxes as bb

keras = pytest.importorskip("keras")
kbb = keras.utils.bounding_boxes

RNG = np.random.default_rng(0)
ANCHORS = np.concatenate([RNG.uniform(0, 50, (6, 2)), RNG.uniform(60, 100, (6, 2))], -1).astype("float32")
BOXES = (ANCHORS + RNG.uniform(-5, 5, (2, 6, 4))).astype("float32")


@pytest.mark.parametrize("encoding", ["center_yxhw", "center_xywh"])
@pytest.mark.parametrize("variance", [None, [0.1, 0.1, 0.2, 0.2]])
def test_encode_decode_match_keras_and_round_trip(encoding, variance):
    kwargs = dict(variance=variance)
    got = bb.encode_box_to_deltas(ANCHORS, BOXES, "xyxy", "xyxy", encoding, **kwargs)
    want = kbb.encode_box_to_deltas(ANCHORS, BOXES, "xyxy", "xyxy", encoding, **kwargs)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    back = bb.decode_deltas_to_boxes(ANCHORS, got, "xyxy", "xywh", encoding, **kwargs)
    kback = kbb.decode_deltas_to_boxes(ANCHORS, want, "xyxy", "xywh", encoding, **kwargs)
    np.testing.assert_allclose(back, kback, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(back, bb.convert_format(BOXES, "xyxy", "xywh"), rtol=1e-4, atol=1e-3)


def test_relative_formats_and_dict_levels():
    shape = (100, 120, 3)
    rel = bb.convert_format(BOXES, "xyxy", "rel_xyxy", height=100, width=120)
    got = bb.encode_box_to_deltas(ANCHORS, rel, "xyxy", "rel_xyxy", image_shape=shape)
    np.testing.assert_allclose(got, bb.encode_box_to_deltas(ANCHORS, BOXES, "xyxy", "xyxy"),
                               rtol=1e-4, atol=1e-5)
    levels = bb.decode_deltas_to_boxes({"P3": ANCHORS, "P4": ANCHORS * 2},
                                       {"P3": got, "P4": got}, "xyxy", "xyxy")
    assert set(levels) == {"P3", "P4"}
    np.testing.assert_allclose(levels["P3"], BOXES, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(levels["P4"], kbb.decode_deltas_to_boxes(
        ANCHORS * 2, got, "xyxy", "xyxy"), rtol=1e-5, atol=1e-4)


def test_errors():
    with pytest.raises(ValueError, match=r"`encoding_format`.*'xyxy'"):
        bb.encode_box_to_deltas(ANCHORS, BOXES, "xyxy", "xyxy", encoding_format="xyxy")
    with pytest.raises(ValueError, match=r"`encoded_format`.*'yxyx'"):
        bb.decode_deltas_to_boxes(ANCHORS, BOXES, "xyxy", "xyxy", encoded_format="yxyx")
    with pytest.raises(ValueError, match="`variance` must have length 4"):
        bb.encode_box_to_deltas(ANCHORS, BOXES, "xyxy", "xyxy", variance=[1.0, 1.0])
