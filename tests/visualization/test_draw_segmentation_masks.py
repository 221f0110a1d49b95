"""draw_segmentation_masks against Keras 3.15 (its version is NumPy only)."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, (2, 6, 5, 3)).astype("float32")
MASKS = RNG.integers(-1, 4, (2, 6, 5, 1)).astype("int32")


@pytest.mark.parametrize("kwargs", [{}, {"num_classes": 4}, {"alpha": 0.3, "ignore_index": 2},
                                    {"blend": False, "num_classes": 5},
                                    {"color_mapping": {0: (255, 0, 0), 1: (0, 255, 0),
                                                       2: (0, 0, 255), 3: (9, 9, 9)},
                                     "num_classes": 4}])
def test_matches_keras(kwargs):
    got = lamina.visualization.draw_segmentation_masks(IMAGES, MASKS, **kwargs)
    want = np.asarray(keras.visualization.draw_segmentation_masks(IMAGES, MASKS, **kwargs))
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got.astype("float32"), want.astype("float32"), atol=0 if
                               got.dtype == np.uint8 else 1e-5)


def test_painted_pixels_and_channels_first():
    images = np.zeros((1, 2, 2, 3), "float32")
    masks = np.array([[[0, 1], [-1, 1]]], "int32")[..., None]
    out = lamina.visualization.draw_segmentation_masks(
        images, masks, num_classes=2, color_mapping={0: (100, 0, 0), 1: (0, 200, 0)}, alpha=1.0)
    np.testing.assert_array_equal(out[0, 0, 0], [100, 0, 0])
    np.testing.assert_array_equal(out[0, 0, 1], [0, 200, 0])
    np.testing.assert_array_equal(out[0, 1, 0], [0, 0, 0])  # ignore_index keeps the image
    first = lamina.visualization.draw_segmentation_masks(
        np.transpose(images, (0, 3, 1, 2)), np.transpose(masks, (0, 3, 1, 2)), num_classes=2,
        color_mapping={0: (100, 0, 0), 1: (0, 200, 0)}, alpha=1.0, data_format="channels_first")
    np.testing.assert_array_equal(first, out)


def test_errors():
    with pytest.raises(TypeError, match="integer dtype.*float32"):
        lamina.visualization.draw_segmentation_masks(IMAGES, MASKS.astype("float32"))
    with pytest.raises(ValueError, match=r"batched 4D.*\(6, 5, 3\)"):
        lamina.visualization.draw_segmentation_masks(IMAGES[0], MASKS[0])
