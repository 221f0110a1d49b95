"""`STFT`: convolution kernels that compute one side of a short-time Fourier transform."""

import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.initializers.initializers import Initializer


def _window_values(window, length, periodic):
    """A window by `scipy.signal.windows` name (or a spec like ("kaiser", 8.0)), or values."""
    if isinstance(window, (str, tuple)):
        from scipy import signal  # scipy comes with jax; imported only when used

        return signal.get_window(window, length, fftbins=periodic)
    return np.asarray(window)


class STFT(Initializer):
    """Kernel of shape `(frame_length, 1, fft_bins)` whose convolution with a signal gives
    the real (`cos`) or imaginary (`-sin`) part of its windowed DFT; `fft_bins = n//2 + 1`
    for an FFT of length `n`.

    Args:
        side: "real" (default) or "imag".
        window: a `scipy.signal.windows` name ("hann", default; "hamming", ...), window
            values of length `frame_length`, or None (rectangular, no scaling).
        scaling: "density" (divide by the window's L2 norm, default), "spectrum" (by its
            L1 norm) or None.
        periodic: use the periodic form of a named window (False: symmetric).
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: `side` must be 'real' or 'imag'; received side={side!r}")
        if isinstance(window, str):
            _window_values(window, 1, periodic)  # an unknown name fails now, not at build
        if scaling not in (None, "density", "spectrum"):
            raise ValueError("STFT: `scaling` must be None, 'density' or 'spectrum'; "
                             f"received scaling={scaling!r}")
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        if len(shape) != 3:
            raise ValueError("STFT: the kernel shape must be (frame_length, input_channels, "
                             f"fft_bins); received shape={tuple(shape)}")
        frame_length, _, bins = shape
        n_fft = 2 * (bins - 1)
        t = np.arange(frame_length, dtype="float64").reshape(frame_length, 1, 1)
        f = np.arange(bins, dtype="float64").reshape(1, 1, bins)
        angle = -2.0 * np.pi * t * f / n_fft
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = _window_values(self.window, frame_length, self.periodic).astype("float64")
            if win.shape != (frame_length,):
                raise ValueError("STFT: the window must hold frame_length="
                                 f"{frame_length} values; received shape {win.shape}")
            scale = {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win)),
                     None: 1.0}[self.scaling]
            kernel = kernel * win.reshape(frame_length, 1, 1) / scale
        return jnp.asarray(kernel, dtype=dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}
