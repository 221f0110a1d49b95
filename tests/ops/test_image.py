"""lamina.ops.image against keras.ops.image on the same inputs, under jit, with Variables."""

import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randn, uniform

import lamina.ops.image as image

IMG = uniform(0, 1, 2, 8, 10, 3)
ONE = uniform(0, 1, 9, 7, 3)
IMG_CF = uniform(0, 1, 2, 3, 8, 10)
TOL = dict(rtol=1e-4, atol=1e-5, module="image")
SHIFT = np.array([1, 0, 2.5, 0, 1, -1.5, 0, 0], "float32")
ROTATE = np.array([[0.9, -0.3, 2, 0.3, 0.9, -1, 0, 0], [1.1, 0, 0, 0.1, 1, 0, 0, 0]],
                  "float32")
# Keras 3.15's JAX affine_transform ignores the projective terms (c0, c1) and fails on a
# batch with one shared (8,) transform, so those are tested on their own below.

CASES = (
    [case("resize", IMG, (4, 5), interpolation=m, **TOL)
     for m in ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"]]
    + [case("resize", IMG, (16, 12), **TOL), case("resize", ONE, (5, 5), **TOL),
       case("resize", IMG, (4, 5), antialias=True, **TOL),
       case("resize", IMG_CF, (4, 6), data_format="channels_first", **TOL),
       case("resize", IMG, (6, 6), crop_to_aspect_ratio=True, **TOL),
       case("resize", ONE, (4, 8), crop_to_aspect_ratio=True, **TOL),
       case("resize", IMG, (6, 6), pad_to_aspect_ratio=True, fill_value=0.5, **TOL),
       case("resize", ONE, (4, 8), pad_to_aspect_ratio=True, **TOL)]
    + [case("affine_transform", IMG, ROTATE, **TOL), case("affine_transform", ONE, SHIFT, **TOL),
       case("affine_transform", IMG, ROTATE, interpolation="nearest", **TOL)]
    + [case("affine_transform", ONE, SHIFT, fill_mode=m, **TOL) for m in ["nearest", "reflect"]]
    + [case("affine_transform", IMG_CF, ROTATE, data_format="channels_first", fill_value=0.3,
            **TOL)]
    + [case("map_coordinates", ONE[..., 0], [uniform(-1, 9, 4, 5), uniform(-1, 7, 4, 5)], o,
            fill_mode=m, variable=True, **TOL)
       for o, m in [(0, "constant"), (1, "constant"), (1, "wrap")]]
    + [case("crop_images", IMG, 1, 2, target_height=5, target_width=6, **TOL),
       case("crop_images", ONE, top_cropping=2, bottom_cropping=1, left_cropping=1,
            right_cropping=3, **TOL),
       case("pad_images", IMG, 1, 2, target_height=12, target_width=14, **TOL),
       case("pad_images", ONE, top_padding=1, bottom_padding=2, left_padding=0,
            right_padding=3, **TOL),
       case("rgb_to_grayscale", IMG, **TOL),
       case("rgb_to_grayscale", IMG_CF, data_format="channels_first", **TOL),
       case("extract_patches", IMG, 2, **TOL),
       case("extract_patches", IMG, (3, 2), strides=(2, 1), padding="same", **TOL)]
)

test_matches_keras = comparison_test(CASES)


def test_resize_rejects_bad_arguments():
    with pytest.raises(ValueError, match="interpolation"):
        image.resize(IMG, (4, 4), interpolation="cubic-ish")
    with pytest.raises(ValueError, match="exclusive"):
        image.resize(IMG, (4, 4), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="height, width"):
        image.resize(IMG, (4,))


def test_resize_keeps_channels_last_default_and_rank():
    assert image.resize(ONE, (3, 4)).shape == (3, 4, 3)
    assert image.resize(randn(2, 5, 5, 1), (10, 10)).shape == (2, 10, 10, 1)
    assert_same(image.resize(IMG, (8, 10)), IMG, rtol=1e-6, atol=1e-6)


def test_affine_transform_projective_terms_and_shared_transform():
    import scipy.ndimage

    img = uniform(0, 1, 2, 6, 7, 1)
    t = np.array([1.1, 0.1, 0.5, -0.1, 0.9, 0.2, 0.1, 0.05], "float32")
    out = np.asarray(image.affine_transform(img, t))
    y, x = np.mgrid[0:6, 0:7].astype("float32")
    k = t[6] * x + t[7] * y + 1
    src = [(t[3] * x + t[4] * y + t[5]) / k, (t[0] * x + t[1] * y + t[2]) / k]
    for b in range(2):
        expected = scipy.ndimage.map_coordinates(img[b, :, :, 0], src, order=1, mode="grid-constant")
        np.testing.assert_allclose(out[b, :, :, 0], expected, rtol=1e-5, atol=1e-5)
