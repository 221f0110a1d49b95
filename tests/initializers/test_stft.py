"""keras.initializers.STFT: the same kernels as Keras 3 for each side, window, scaling."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("window,scaling,periodic", [
    ("hann", "density", False), ("hamming", "spectrum", True), (None, None, False),
    ("hann", None, True)])
def test_kernel_matches_keras(side, window, scaling, periodic):
    args = dict(side=side, window=window, scaling=scaling, periodic=periodic)
    expected = keras.initializers.STFT(**args)(shape=(16, 1, 9))
    got = lamina.initializers.STFT(**args)(shape=(16, 1, 9))
    assert got.dtype == np.float32
    # Keras computes in float32 (errors ~2e-6 near zeros); lamina in float64, then casts.
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-5)


def test_window_values_and_names():
    win = np.linspace(0.1, 1.0, 8)
    expected = keras.initializers.STFTInitializer(window=win)(shape=(8, 1, 5))
    got = lamina.initializers.STFTInitializer(window=win)(shape=(8, 1, 5))
    # Keras computes in float32 (errors ~2e-6 near zeros); lamina in float64, then casts.
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-5, atol=1e-5)
    assert lamina.initializers.stft is lamina.initializers.STFT
    assert isinstance(lamina.initializers.get("STFT"), lamina.initializers.STFT)
    config = lamina.initializers.STFT(side="imag", window="hamming").get_config()
    assert config == keras.initializers.STFT(side="imag", window="hamming").get_config()
    assert lamina.initializers.STFT.from_config(config).side == "imag"


def test_bad_arguments():
    with pytest.raises(ValueError, match="side"):
        lamina.initializers.STFT(side="both")
    with pytest.raises(ValueError, match="scaling"):
        lamina.initializers.STFT(scaling="l2")
    with pytest.raises(ValueError):
        lamina.initializers.STFT(window="no_such_window")
    with pytest.raises(ValueError, match="frame_length=8"):
        lamina.initializers.STFT(window=np.ones(5))(shape=(8, 1, 5))
