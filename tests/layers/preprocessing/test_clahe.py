"""ContrastLimitedAdaptiveHistogramEqualization equals Keras 3's output on the same
images: tile grids that do and do not divide the image, clipping on and off, value
ranges, single images, channels_first and integer images."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NAME = "ContrastLimitedAdaptiveHistogramEqualization"
X = (np.random.default_rng(13).random((2, 20, 27, 3)) * 255).astype("float32")


@pytest.mark.parametrize("kwargs, images", [
    ({}, X), ({"tile_grid_size": (3, 4), "clip_limit": 2.0}, X), ({"clip_limit": 0}, X),
    ({"value_range": (0, 1), "tile_grid_size": (2, 2)}, X / 255),
    ({"tile_grid_size": (4, 4)}, X[0]),
    ({"data_format": "channels_first", "tile_grid_size": (3, 3)}, np.moveaxis(X, -1, 1)),
    ({"tile_grid_size": (4, 5)}, X.astype("uint8")),
])
def test_matches_keras(kwargs, images):
    want = np.asarray(getattr(keras.layers, NAME)(**kwargs)(images))
    got = np.asarray(getattr(lamina.layers, NAME)(**kwargs)(images))
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.astype("float64"), want.astype("float64"), rtol=1e-5,
                               atol=1e-4)


def test_contrast_rises_config_and_errors():
    dull = (X * 0.2 + 100).astype("float32")
    layer = getattr(lamina.layers, NAME)(tile_grid_size=(2, 2))
    out = np.asarray(layer({"images": dull, "labels": np.ones(2)})["images"])
    assert out.std() > 2 * dull.std()
    np.testing.assert_array_equal(np.asarray(layer(dull, training=False)), np.asarray(layer(dull)))
    config = layer.get_config()
    assert sorted(config) == sorted(getattr(keras.layers, NAME)(tile_grid_size=(2, 2)).get_config())
    assert getattr(lamina.layers, NAME).from_config(config).tile_grid_size == (2, 2)
    with pytest.raises(ValueError, match=f"{NAME}: tile_grid_size must be a pair"):
        getattr(lamina.layers, NAME)(tile_grid_size=(0, 2))
    with pytest.raises(ValueError, match="bounding boxes and masks are not supported"):
        layer({"images": dull, "bounding_boxes": {}})
