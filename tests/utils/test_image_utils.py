"""Image helpers (array_to_img, img_to_array, save_img, load_img, smart_resize) against
Keras's on the same arrays and files."""

import io
import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytest.importorskip("PIL")

RNG = np.random.default_rng(0)
IMAGE = RNG.uniform(0, 255, (5, 7, 3)).astype("float32")


@pytest.mark.parametrize("x, kwargs", [
    (IMAGE, {}), (IMAGE, {"scale": False}), (IMAGE[:, :, :1], {}),
    (IMAGE[:, :, :1] * 10, {"scale": False}),
    (np.concatenate([IMAGE, IMAGE[:, :, :1]], -1), {}),
    (IMAGE.transpose(2, 0, 1), {"data_format": "channels_first"}),
])
def test_array_to_img_and_back_match_keras(x, kwargs):
    ours, theirs = lamina.utils.array_to_img(x, **kwargs), keras.utils.array_to_img(x, **kwargs)
    assert (ours.mode, ours.size) == (theirs.mode, theirs.size)
    for fmt in ("channels_last", "channels_first"):
        np.testing.assert_array_equal(lamina.utils.img_to_array(ours, fmt),
                                      keras.utils.img_to_array(theirs, fmt))


def test_bad_arrays_are_refused():
    with pytest.raises(ValueError, match="rank 3"):
        lamina.utils.array_to_img(np.ones((2, 2)))
    with pytest.raises(ValueError, match="1, 3 or 4 channels, received 2"):
        lamina.utils.array_to_img(np.ones((2, 2, 2)))


@pytest.mark.parametrize("color_mode", ["rgb", "grayscale", "rgba"])
@pytest.mark.parametrize("target_size, keep", [(None, False), ((4, 4), False), ((3, 6), True)])
def test_save_then_load_matches_keras(tmp_path, color_mode, target_size, keep):
    path = tmp_path / "x.png"
    lamina.utils.save_img(path, IMAGE)
    kpath = tmp_path / "k.png"
    keras.utils.save_img(kpath, IMAGE)
    assert path.read_bytes() == kpath.read_bytes()
    for interpolation in ("nearest", "bilinear"):
        kwargs = dict(color_mode=color_mode, target_size=target_size,
                      interpolation=interpolation, keep_aspect_ratio=keep)
        np.testing.assert_array_equal(
            lamina.utils.img_to_array(lamina.utils.load_img(path, **kwargs)),
            keras.utils.img_to_array(keras.utils.load_img(path, **kwargs)))


def test_load_from_bytes_and_bad_arguments(tmp_path):
    buffer = io.BytesIO()
    lamina.utils.array_to_img(IMAGE).save(buffer, format="png")
    buffer.seek(0)
    assert lamina.utils.load_img(buffer).size == (7, 5)
    with pytest.raises(ValueError, match="color_mode must be one of"):
        lamina.utils.load_img(buffer, color_mode="cmyk")
    with pytest.raises(TypeError, match="path should be a path or io.BytesIO"):
        lamina.utils.load_img(3)


@pytest.mark.parametrize("shape, size", [((9, 5, 3), (4, 4)), ((2, 6, 10, 1), (5, 3))])
def test_smart_resize_matches_keras(shape, size):
    x = RNG.uniform(0, 1, shape).astype("float32")
    np.testing.assert_allclose(
        np.asarray(lamina.preprocessing.image.smart_resize(x, size)),
        np.asarray(keras.preprocessing.image.smart_resize(x, size)), atol=1e-5)
    assert lamina.preprocessing.sequence.pad_sequences is lamina.utils.pad_sequences
