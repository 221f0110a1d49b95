"""`keras.ops` math: segment reductions, top-k, log-sum-exp, special functions, FFTs.

FFT ops take and return (real, imag) pairs, as Keras does.
"""

import jax
import jax.numpy as jnp
import jax.scipy.special

from lamina.ops import _util
from lamina.ops._util import to_float
from lamina.ops.dispatch import op


def _segment(name, jfn, empty):
    def fn(data, segment_ids, num_segments=None, sorted=False):
        return jfn(data, jnp.asarray(segment_ids), num_segments=num_segments,
                   indices_are_sorted=sorted)

    doc = (f"The {name.split('_')[1]} of the rows of `data` that share a segment id.\n\n"
           "data: (n, ...); segment_ids: (n,) ints in [0, num_segments). Result: "
           f"(num_segments, ...); empty segments hold {empty}. Under `jit` pass "
           "`num_segments`.")
    return _util.make_op(name, fn, doc, __name__)


segment_sum = _segment("segment_sum", jax.ops.segment_sum, "0")
segment_prod = _segment("segment_prod", jax.ops.segment_prod, "1")
segment_max = _segment("segment_max", jax.ops.segment_max, "the dtype's lowest value")
segment_min = _segment("segment_min", jax.ops.segment_min, "the dtype's highest value")


@op
def top_k(x, k, sorted=True):
    """(values, indices) of the `k` largest entries along the last axis, largest first."""
    values, indices = jax.lax.top_k(x, k)
    return values, indices.astype("int32")


@op
def in_top_k(targets, predictions, k):
    """True where the target class's score is among the `k` highest of its row
    (ties with the k-th score count as in). targets: (batch,), predictions: (batch, C)."""
    predictions = jnp.asarray(predictions)
    targets = jnp.asarray(targets, "int32")
    kth = jax.lax.top_k(predictions, k)[0][..., -1]
    score = jnp.take_along_axis(predictions, targets[..., None], axis=-1)[..., 0]
    return score >= kth


@op
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over `axis`, computed stably."""
    return jax.nn.logsumexp(to_float(x), axis=_util.axis_arg(axis), keepdims=keepdims)


rsqrt = _util.make_op("rsqrt", lambda x: jax.lax.rsqrt(to_float(x)),
                      "1 / sqrt(x), element-wise.", __name__)
erf = _util.make_op("erf", lambda x: jax.scipy.special.erf(to_float(x)),
                    "The Gauss error function, element-wise.", __name__)
erfc = _util.make_op("erfc", lambda x: jax.scipy.special.erfc(to_float(x)),
                     "1 - erf(x), accurate for large x.", __name__)
erfinv = _util.make_op("erfinv", lambda x: jax.scipy.special.erfinv(to_float(x)),
                       "The inverse of erf, element-wise.", __name__)


@op
def logdet(x):
    """log(det(x)) of Hermitian positive-definite matrices (..., n, n)."""
    return jnp.linalg.slogdet(to_float(x))[1]


@op
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of the last axis: (..., L) -> (..., 1 + (L - sequence_length) // stride,
    sequence_length)."""
    x = jnp.asarray(x)
    frames = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    index = (jnp.arange(frames)[:, None] * sequence_stride
             + jnp.arange(sequence_length)[None, :])
    return x[..., index]


@op
def cdist(x, y):
    """Euclidean distances between the rows: (..., P, M), (..., R, M) -> (..., P, R)."""
    x, y = to_float(x), to_float(y)
    diff = x[..., :, None, :] - y[..., None, :, :]
    return jnp.sqrt(jnp.sum(jnp.square(diff), axis=-1))


@op
def view_as_complex(x):
    """(..., 2) real pairs -> (...) complex numbers."""
    x = to_float(x)
    if x.shape[-1] != 2:
        raise ValueError(f"view_as_complex(): the last axis must have size 2; got {x.shape}.")
    return jax.lax.complex(x[..., 0], x[..., 1])


@op
def view_as_real(x):
    """(...) complex numbers -> (..., 2) real pairs."""
    x = jnp.asarray(x)
    return jnp.stack([jnp.real(x), jnp.imag(x)], axis=-1)


def _complex(x, name):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{name}() takes a (real, imag) pair of arrays.")
    real, imag = jnp.asarray(x[0]), jnp.asarray(x[1])
    if real.shape != imag.shape:
        raise ValueError(f"{name}(): real and imag shapes differ: {real.shape} vs {imag.shape}.")
    if not jnp.issubdtype(real.dtype, jnp.floating):
        raise ValueError(f"{name}(): the parts must be floats; got {real.dtype}.")
    return jax.lax.complex(real, imag)


def _pair(z):
    return jnp.real(z), jnp.imag(z)


@op
def fft(x):
    """FFT over the last axis of (real, imag); returns (real, imag)."""
    return _pair(jnp.fft.fft(_complex(x, "fft")))


@op
def fft2(x):
    """2-D FFT over the last two axes of (real, imag); returns (real, imag)."""
    return _pair(jnp.fft.fft2(_complex(x, "fft2")))


@op
def ifft2(x):
    """Inverse 2-D FFT over the last two axes of (real, imag); returns (real, imag)."""
    return _pair(jnp.fft.ifft2(_complex(x, "ifft2")))


@op
def rfft(x, fft_length=None):
    """Real FFT over the last axis; returns (real, imag) with fft_length // 2 + 1 bins."""
    return _pair(jnp.fft.rfft(to_float(x), n=fft_length))


@op
def irfft(x, fft_length=None):
    """Inverse of `rfft`: (real, imag) -> real signal of length `fft_length`."""
    return jnp.fft.irfft(_complex(x, "irfft"), n=fft_length)


def _stft_window(window, sequence_length, fft_length, dtype):
    """The analysis window, zero-padded (centred) to `fft_length`; None is a rectangular
    window over all `fft_length` samples."""
    if window is None:
        return jnp.ones((fft_length,), dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"window must be 'hann', 'hamming', an array or None; got "
                             f"{window!r}.")
        # Periodic windows, as used for spectral analysis.
        a = 0.5 if window == "hann" else 0.54
        n = jnp.arange(sequence_length, dtype=dtype)
        win = a - (1 - a) * jnp.cos(2 * jnp.pi * n / sequence_length)
    else:
        win = jnp.asarray(window, dtype)
        if win.shape != (sequence_length,):
            raise ValueError(f"window must have shape ({sequence_length},); got {win.shape}.")
    left = (fft_length - sequence_length) // 2
    return jnp.pad(win, (left, fft_length - sequence_length - left))


@op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform of the last axis; returns (real, imag) of shape
    (..., frames, fft_length // 2 + 1).

    window: "hann" (default), "hamming", a (sequence_length,) array, or None.
    center=True reflect-pads fft_length // 2 samples on both sides first.
    """
    x = to_float(x)
    if fft_length < sequence_length:
        raise ValueError(f"stft(): fft_length ({fft_length}) must be >= sequence_length "
                         f"({sequence_length}).")
    if center:
        pad = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = jnp.pad(x, pad, mode="reflect")
    win = _stft_window(window, sequence_length, fft_length, x.dtype)
    frames = extract_sequences(x, fft_length, sequence_stride) * win
    return _pair(jnp.fft.rfft(frames, n=fft_length))


@op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Inverse of `stft`: (real, imag) of shape (..., frames, bins) -> signal (..., samples).

    Frames are overlap-added and divided by the overlap-added squared window.
    `length` trims (or the centre padding is removed when center=True).
    """
    spectrum = _complex(x, "istft")
    if spectrum.ndim < 2:
        raise ValueError(f"istft() needs at least 2-D input; got shape {spectrum.shape}.")
    dtype = jnp.real(spectrum).dtype
    win = _stft_window(window, sequence_length, fft_length, dtype)
    frames = jnp.fft.irfft(spectrum, n=fft_length) * win
    count = frames.shape[-2]
    total = fft_length + sequence_stride * (count - 1)
    positions = (jnp.arange(count)[:, None] * sequence_stride
                 + jnp.arange(fft_length)[None, :]).ravel()
    signal = jnp.zeros(frames.shape[:-2] + (total,), dtype).at[..., positions].add(
        frames.reshape(frames.shape[:-2] + (-1,)))
    norm = jnp.zeros((total,), dtype).at[positions].add(jnp.tile(win * win, count))
    signal = jnp.where(norm > 1e-10, signal / jnp.where(norm > 1e-10, norm, 1.0), signal)
    start = fft_length // 2 if center else 0
    if length is not None:
        return signal[..., start:start + length]
    return signal[..., start:total - start]
