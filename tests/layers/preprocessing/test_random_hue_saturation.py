"""RandomHue and RandomSaturation: fixed factors equal Keras 3's outputs; random factors
stay in range and keep what the transform must keep (HSV value, hue for saturation)."""

import os

import numpy as np
import pytest

import lamina
from tests.layers.preprocessing.augment_checks import check_random_layer
from tests.layers.preprocessing.image_compare import assert_same_images

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(0).random((4, 6, 7, 3)) * 255).astype("float32")


@pytest.mark.parametrize("factor", [0.0, (0.6, 0.6), (1.0, 1.0)])
@pytest.mark.parametrize("value_range", [(0, 255), (0, 1)])
def test_hue_fixed_factor_matches_keras(factor, value_range):
    # A fixed factor still flips a coin for the sign; +-0.5 turns coincide, and for other
    # sizes each image must match one of the two signs, so compare with both.
    if factor in (0.0, (1.0, 1.0)):
        assert_same_images(keras, "RandomHue", (factor,), {"value_range": value_range}, X)
        return
    scale = 1 if value_range == (0, 255) else 255.0
    got = np.asarray(lamina.layers.RandomHue(factor, value_range=value_range)(X / scale))
    hsv = np.asarray(keras.ops.image.rgb_to_hsv(X / 255.0))
    for sign in (1, -1):
        shifted = hsv.copy()
        shifted[..., 0] = np.mod(shifted[..., 0] + sign * 0.3, 1.0)
        want = np.clip(np.asarray(keras.ops.image.hsv_to_rgb(shifted)), 0, 1) * 255 / scale
        hit = np.abs(got - want).max(axis=(1, 2, 3)) < 1e-3 * 255 / scale
        if sign == 1:
            first = hit
    assert np.all(first | hit)


@pytest.mark.parametrize("factor", [(0.5, 0.5), (0.0, 0.0), (0.2, 0.2)])
def test_saturation_fixed_factor_matches_keras(factor):
    assert_same_images(keras, "RandomSaturation", (factor,), {}, X)
    assert_same_images(keras, "RandomSaturation", (factor,), {"value_range": (0, 1)}, X)


def test_saturation_full_factor_saturates_and_keeps_hue_and_value():
    # Keras 3.15 clips the saturation to value_range (0, 255) here and returns negative
    # pixels; lamina clips it to [0, 1]: the most saturated colour of the same hue.
    out = np.asarray(lamina.layers.RandomSaturation((1.0, 1.0))(X))
    hsv_in = np.asarray(lamina.ops.image.rgb_to_hsv(X / 255))
    hsv_out = np.asarray(lamina.ops.image.rgb_to_hsv(out / 255))
    np.testing.assert_allclose(hsv_out[..., 1], 1.0, atol=1e-5)
    np.testing.assert_allclose(hsv_out[..., 2], hsv_in[..., 2], atol=1e-5)
    np.testing.assert_allclose(hsv_out[..., 0], hsv_in[..., 0], atol=1e-4)


def test_random_factors_keep_range_and_value():
    hue = check_random_layer(keras, "RandomHue", {"factor": 0.8}, X)
    assert hue.min() >= 0 and hue.max() <= 255
    sat = check_random_layer(keras, "RandomSaturation", {"factor": (0.1, 0.9)}, X)
    # Neither layer changes the HSV value (the largest channel).
    np.testing.assert_allclose(hue.max(-1), X.max(-1), rtol=1e-4, atol=1e-2)
    np.testing.assert_allclose(sat.max(-1), X.max(-1), rtol=1e-4, atol=1e-2)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"RandomHue.*\[0, 1\].*factor=1.5"):
        lamina.layers.RandomHue(1.5)
    with pytest.raises(ValueError, match=r"RandomSaturation.*value_range.*Received: "
                                         r"value_range=5"):
        lamina.layers.RandomSaturation(0.5, value_range=5)
    with pytest.raises(ValueError, match="RandomHue .* 4-D batch of images; got rank 2"):
        lamina.layers.RandomHue(0.5)(X[0, 0])
