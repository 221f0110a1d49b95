"""convert_format: every format pair against Keras 3.15 (JAX), dicts, and bad input."""

import numpy as np
import pytest

from lamina.utils import bounding_boxes as bb

keras = pytest.importorskip("keras")
kbb = keras.utils.bounding_boxes

FORMATS = ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw",
           "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"]


def _boxes(shape, relative):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 0.5, shape[:-1] + (2,))
    wh = rng.uniform(0.05, 0.5, shape[:-1] + (2,))
    boxes = np.concatenate([xy, xy + wh], axis=-1).astype("float32")
    return boxes if relative else boxes * np.float32(100)


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_every_pair_matches_keras(shape):
    for source in FORMATS:
        boxes = _boxes(shape, source.startswith("rel_"))
        for target in FORMATS:
            got = bb.convert_format(boxes, source, target, height=80, width=120)
            want = kbb.convert_format(boxes.copy(), source, target, height=80, width=120)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{source}->{target}")
            assert got.shape == shape and got.dtype == np.float32


def test_known_values_and_case_insensitive():
    boxes = np.array([[10, 20, 30, 40], [50, 60, 70, 80]])
    np.testing.assert_allclose(bb.convert_format(boxes, "XYXY", "xywh"),
                               [[10, 20, 20, 20], [50, 60, 20, 20]])
    np.testing.assert_allclose(bb.convert_format(boxes, "xyxy", "rel_xyxy", height=200, width=300),
                               [[10 / 300, 0.1, 0.1, 0.2], [50 / 300, 0.3, 70 / 300, 0.4]],
                               rtol=1e-6)


def test_dict_input_converts_boxes_and_keeps_labels():
    data = {"boxes": np.array([[0.0, 0.0, 4.0, 2.0]]), "labels": np.array([3])}
    out = bb.convert_format(data, "xyxy", "center_xywh")
    np.testing.assert_allclose(out["boxes"], [[2.0, 1.0, 4.0, 2.0]])
    np.testing.assert_array_equal(out["labels"], [3])


def test_errors_name_the_argument():
    boxes = np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"`source`.*'xyz'"):
        bb.convert_format(boxes, "xyz", "xyxy")
    with pytest.raises(ValueError, match=r"`target`.*'bad'"):
        bb.convert_format(boxes, "xyxy", "bad")
    with pytest.raises(ValueError, match="height.*width"):
        bb.convert_format(boxes, "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match=r"last dimension of 4.*\(2, 3\)"):
        bb.convert_format(np.zeros((2, 3)), "xyxy", "xywh")
