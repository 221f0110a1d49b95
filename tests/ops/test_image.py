"""lamina.ops.image against keras.ops.image on the same inputs, under jit, with Variables."""

import numpy as np
import pytest

import lamina.ops.image as image

from .opscheck import assert_same, case, comparison_test, randn, uniform

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


# Four corners moved inwards/outwards: a real projective warp (non-zero c0, c1).
CORNERS = np.array([[0, 0], [9, 0], [0, 7], [9, 7]], "float32")
MOVED = np.array([[1, 0.5], [8, 1], [0, 6], [9.5, 7.5]], "float32")
VOLUMES = uniform(0, 1, 2, 6, 7, 8, 2)
HSV = np.concatenate([uniform(-0.5, 1.5, 2, 8, 10, 1), uniform(0, 1, 2, 8, 10, 2)], -1)
# Ties between channels (grey pixels, two equal maxima) pick the hue sector.
TIES = np.array([[[0.5, 0.5, 0.5], [0.8, 0.8, 0.1], [0.2, 0.7, 0.7], [0.9, 0.1, 0.9],
                  [0, 0, 0], [1, 0, 0]]], "float32")

TOL5 = {"rtol": 1e-5, "atol": 1e-5, "module": "image"}

NEW_CASES = (
    [case("rgb_to_hsv", IMG, **TOL5), case("rgb_to_hsv", ONE, **TOL5),
     case("rgb_to_hsv", TIES, **TOL5),
     case("rgb_to_hsv", IMG_CF, data_format="channels_first", **TOL5),
     case("hsv_to_rgb", HSV, **TOL5), case("hsv_to_rgb", ONE, **TOL5),
     case("hsv_to_rgb", IMG_CF, data_format="channels_first", **TOL5)]
    # Keras 3.15's eager gaussian_blur reads data_format=None as channels_first, hence the
    # explicit format.
    + [case("gaussian_blur", IMG, data_format="channels_last", **TOL5),
       case("gaussian_blur", ONE, (5, 3), (2.0, 0.7), data_format="channels_last", **TOL5),
       case("gaussian_blur", IMG_CF, (3, 4), (1.0, 1.5), data_format="channels_first", **TOL5)]
    + [case("sobel_edges", IMG, **TOL5),
       case("sobel_edges", IMG_CF, data_format="channels_first", **TOL5)]
    + [case("ssim", IMG, IMG[::-1], filter_size=5, **TOL5),
       case("ssim", ONE, ONE * 0.8 + 0.1, max_val=2.0, filter_size=3, filter_sigma=0.8,
            k1=0.02, k2=0.05, **TOL5),
       case("ssim", IMG_CF, IMG_CF ** 2, filter_size=3, data_format="channels_first", **TOL5)]
    + [case("perspective_transform", IMG, np.stack([CORNERS, MOVED]), np.stack([MOVED, MOVED]),
            **TOL5),
       case("perspective_transform", ONE, MOVED, CORNERS, interpolation="nearest",
            fill_value=0.5, **TOL5),
       case("perspective_transform", IMG_CF, np.stack([CORNERS, MOVED]),
            np.stack([MOVED, CORNERS]), data_format="channels_first", **TOL5)]
    + [case("elastic_transform", IMG, seed=7, **TOL5),
       case("elastic_transform", ONE, alpha=3.0, sigma=1.0, interpolation="nearest",
            fill_mode="constant", fill_value=0.25, seed=7, **TOL5),
       case("elastic_transform", IMG_CF, 5.0, 0.8, fill_mode="wrap", seed=7,
            data_format="channels_first", **TOL5)]
    + [case("scale_and_translate", IMG, (2, 5, 7, 3), np.array([0.6, 0.7], "float32"),
            np.array([0.5, -1.0], "float32"), (1, 2), m, **TOL5)
       for m in ("linear", "cubic", "lanczos3")]
    + [case("scale_and_translate", ONE, (12, 4, 3), np.array([1.3, 0.5], "float32"),
            np.array([0.0, 0.0], "float32"), (0, 1), "bilinear", antialias=False, **TOL5)]
    + [case("extract_patches_3d", VOLUMES, 2, **TOL5),
       case("extract_patches_3d", VOLUMES[0], (2, 3, 2), strides=1, padding="same", **TOL5),
       case("extract_patches_3d", VOLUMES, (3, 2, 2), strides=(1, 2, 2), dilation_rate=1,
            **TOL5),
       case("extract_patches_3d", np.moveaxis(VOLUMES, -1, 1), 2,
            data_format="channels_first", **TOL5)]
)

test_new_ops_match_keras = comparison_test(NEW_CASES)


def test_new_ops_reject_bad_input():
    with pytest.raises(ValueError, match=r"rgb_to_hsv\(\): .*float dtype"):
        image.rgb_to_hsv(np.zeros((4, 4, 3), "int32"))
    with pytest.raises(ValueError, match=r"hsv_to_rgb\(\): .*3 channels; got 4"):
        image.hsv_to_rgb(np.zeros((4, 4, 4), "float32"))
    with pytest.raises(ValueError, match=r"gaussian_blur\(\): .*got shape \(4, 4\)"):
        image.gaussian_blur(np.zeros((4, 4), "float32"))
    with pytest.raises(ValueError, match="data_format must be"):
        image.gaussian_blur(IMG, data_format="channels_middle")
    with pytest.raises(ValueError, match=r"sobel_edges\(\): expected a 4-D batch"):
        image.sobel_edges(ONE)
    with pytest.raises(ValueError, match=r"ssim\(\): image2 must be"):
        image.ssim(ONE, ONE[..., 0])
    with pytest.raises(ValueError, match="same shape"):
        image.ssim(ONE, ONE[:5])
    with pytest.raises(ValueError, match=r"start_points must have shape \(4, 2\)"):
        image.perspective_transform(ONE, CORNERS[:3], MOVED[:3])
    with pytest.raises(ValueError, match="same shape"):
        image.perspective_transform(IMG, np.stack([CORNERS, CORNERS]), MOVED)
    with pytest.raises(ValueError, match="interpolation"):
        image.elastic_transform(ONE, interpolation="cubic", seed=1)
    with pytest.raises(ValueError, match="fill_mode"):
        image.elastic_transform(ONE, fill_mode="edge", seed=1)
    with pytest.raises(ValueError, match="method"):
        image.scale_and_translate(ONE, (4, 4, 3), [1.0, 1.0], [0.0, 0.0], (0, 1), "area")
    with pytest.raises(ValueError, match=r"extract_patches_3d\(\): expected a 4-D volume"):
        image.extract_patches_3d(ONE, 2)
    with pytest.raises(ValueError, match="padding"):
        image.extract_patches_3d(VOLUMES, 2, padding="full")


def test_new_ops_symbolic_shapes_match_keras():
    import keras

    import lamina

    specs = [("rgb_to_hsv", (8, 10, 3), {}), ("hsv_to_rgb", (8, 10, 3), {}),
             ("gaussian_blur", (8, 10, 3), {}), ("sobel_edges", (8, 10, 3), {}),
             ("elastic_transform", (8, 10, 3), {"seed": 3}),
             ("extract_patches_3d", (6, 7, 8, 2), {"size": 2})]
    for name, shape, kwargs in specs:
        ours = getattr(lamina.ops.image, name)(lamina.Input(shape), **kwargs)
        theirs = getattr(keras.ops.image, name)(keras.Input(shape), **kwargs)
        assert tuple(ours.shape) == tuple(theirs.shape), name
    x = lamina.Input((8, 10, 3))
    assert tuple(image.ssim(x, x).shape) == (None,)
    corners = lamina.Input((4, 2))
    assert tuple(image.perspective_transform(x, corners, corners).shape) == (None, 8, 10, 3)
    # A functional model runs the recorded op.
    model = lamina.Model(x, image.sobel_edges(x))
    assert_same(model.predict(IMG, verbose=0), image.sobel_edges(IMG), rtol=1e-6, atol=1e-6)


def test_perspective_transform_shares_one_pair_of_corners_across_a_batch():
    together = image.perspective_transform(IMG, CORNERS, MOVED)
    for b in range(2):
        assert_same(together[b], image.perspective_transform(IMG[b], CORNERS, MOVED),
                    rtol=1e-6, atol=1e-6)
    assert_same(image.perspective_transform(IMG, CORNERS, CORNERS), IMG, rtol=1e-5, atol=1e-5)


def test_elastic_transform_seed_reproduces_and_alpha_zero_is_identity():
    first = image.elastic_transform(IMG, seed=5)
    assert_same(image.elastic_transform(IMG, seed=5), first, rtol=0, atol=0)
    assert not np.allclose(image.elastic_transform(IMG, seed=6), first)
    assert_same(image.elastic_transform(IMG, alpha=0.0, seed=5), IMG, rtol=1e-6, atol=1e-6)
