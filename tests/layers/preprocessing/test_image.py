"""Resizing and CenterCrop against Keras 3, and the augmentation layers' transforms
against Keras 3 where a degenerate factor range (lower == upper) fixes the random draw."""

import numpy as np
import pytest

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

IMAGES = np.random.default_rng(0).uniform(0, 255, size=(3, 9, 12, 2)).astype("float32")


def _same(mine, ref, x=IMAGES, tol=1e-3, **kwargs):
    out = np.asarray(mine(x, **kwargs))
    expected = np.asarray(ref(x, **kwargs))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=tol)
    return out


@pytest.mark.parametrize("kwargs", [
    {}, dict(interpolation="nearest"), dict(interpolation="bicubic"),
    dict(crop_to_aspect_ratio=True), dict(pad_to_aspect_ratio=True, fill_value=3.0),
    dict(antialias=True),
])
def test_resizing_matches_keras(kwargs):
    _same(layers.Resizing(5, 7, **kwargs), keras.layers.Resizing(5, 7, **kwargs))
    _same(layers.Resizing(15, 17, **kwargs), keras.layers.Resizing(15, 17, **kwargs))


def test_resizing_layouts_and_dtypes():
    first = np.transpose(IMAGES, (0, 3, 1, 2))
    _same(layers.Resizing(5, 7, data_format="channels_first"),
          keras.layers.Resizing(5, 7, data_format="channels_first"), first)
    _same(layers.Resizing(4, 4), keras.layers.Resizing(4, 4), IMAGES[0])  # one image
    pixels = IMAGES.astype("uint8")
    out = layers.Resizing(4, 6)(pixels)
    assert out.dtype == np.float32  # Keras returns uint8 here but declares float32
    np.testing.assert_allclose(np.round(out), keras.layers.Resizing(4, 6)(pixels), atol=1)
    assert layers.Resizing(4, 6)(lamina.Input((None, None, 3))).shape == (None, 4, 6, 3)


@pytest.mark.parametrize("size", [(5, 7), (9, 12), (11, 7), (3, 20)])
def test_center_crop_matches_keras(size):
    _same(layers.CenterCrop(*size), keras.layers.CenterCrop(*size))
    _same(layers.CenterCrop(*size), keras.layers.CenterCrop(*size), IMAGES[1])


@pytest.mark.parametrize("fill_mode", ["reflect", "constant", "wrap", "nearest"])
@pytest.mark.parametrize("factor", [(0.1, 0.1), (-0.3, -0.3)])
def test_rotation_transform_matches_keras(fill_mode, factor):
    _same(layers.RandomRotation(factor, fill_mode=fill_mode, fill_value=7.0),
          keras.layers.RandomRotation(factor, fill_mode=fill_mode, fill_value=7.0))


def test_rotation_direction_and_layouts():
    image = np.zeros((1, 5, 5, 1), "float32")
    image[0, 0, 4, 0] = 1.0  # top right
    out = np.asarray(layers.RandomRotation((0.25, 0.25), fill_mode="constant")(image))
    np.testing.assert_allclose(out[0, :, :, 0], np.rot90(image[0, :, :, 0]), atol=1e-5)
    first = np.transpose(IMAGES, (0, 3, 1, 2))
    _same(layers.RandomRotation((0.1, 0.1), interpolation="nearest", data_format="channels_first"),
          keras.layers.RandomRotation((0.1, 0.1), interpolation="nearest",
                                      data_format="channels_first"), first)


def test_translation_zoom_brightness_contrast_transforms_match_keras():
    _same(layers.RandomTranslation((0.2, 0.2), (-0.3, -0.3)),
          keras.layers.RandomTranslation((0.2, 0.2), (-0.3, -0.3)))
    _same(layers.RandomZoom((0.3, 0.3)), keras.layers.RandomZoom((0.3, 0.3)))
    _same(layers.RandomZoom((-0.3, -0.3), (0.2, 0.2), fill_mode="constant"),
          keras.layers.RandomZoom((-0.3, -0.3), (0.2, 0.2), fill_mode="constant"))
    _same(layers.RandomBrightness((0.2, 0.2)), keras.layers.RandomBrightness((0.2, 0.2)))
    _same(layers.RandomBrightness((-0.1, -0.1), value_range=(0, 1)),
          keras.layers.RandomBrightness((-0.1, -0.1), value_range=(0, 1)), IMAGES[0] / 255)
    _same(layers.RandomContrast((0.0, 0.0)), keras.layers.RandomContrast((0.0, 0.0)))


@pytest.mark.parametrize("cls,args", [
    (layers.RandomFlip, ()), (layers.RandomRotation, (0.2,)), (layers.RandomZoom, (0.2,)),
    (layers.RandomTranslation, (0.1, 0.1)), (layers.RandomContrast, (0.3,)),
    (layers.RandomBrightness, (0.3,)),
])
def test_inference_is_identity_like_keras(cls, args):
    _same(cls(*args), getattr(keras.layers, cls.__name__)(*args), training=False, tol=0)
