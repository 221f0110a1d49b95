"""lamina.ops.math against keras.ops on the same inputs, under jit, with Variables."""

import jax
import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randint, randn, uniform

import lamina.ops as ops

X = randn(3, 8)
DATA = randn(6, 3)
IDS = np.array([0, 0, 1, 2, 2, 2], "int32")
UNSORTED_IDS = np.array([2, 0, 1, 0, 3, 1], "int32")
SIGNAL = randn(2, 16)
RE, IM = randn(4, 8), randn(4, 8)
SPD = randn(4, 4)
SPD = SPD @ SPD.T + 4 * np.eye(4, dtype="float32")

CASES = (
    [case(n, DATA, IDS, num_segments=3) for n in ["segment_sum", "segment_max", "segment_min",
                                                  "segment_prod"]]
    + [case("segment_sum", DATA, UNSORTED_IDS, num_segments=5),
       case("segment_max", DATA, UNSORTED_IDS, num_segments=4),
       case("segment_sum", DATA, IDS, num_segments=3, sorted=True)]
    + [case("top_k", X, 3), case("top_k", randint(0, 9, 4, 6), 2),
       case("in_top_k", np.array([0, 3, 7], "int32"), X, 2, variable=False),
       case("in_top_k", np.array([1, 2, 5], "int32"), X, 4, variable=False)]
    + [case("logsumexp", X), case("logsumexp", X, axis=1),
       case("logsumexp", X, axis=0, keepdims=True), case("logsumexp", randint(0, 3, 4))]
    + [case("rsqrt", uniform(0.5, 2.0, 3, 4)), case("erf", X), case("erfc", X),
       case("erfinv", uniform(-0.9, 0.9, 3, 4), rtol=1e-5, atol=1e-5),
       case("logdet", SPD, rtol=1e-5)]
    + [case("extract_sequences", SIGNAL, 5, 3), case("extract_sequences", SIGNAL[0], 4, 4),
       case("cdist", randn(4, 3), randn(5, 3), rtol=1e-5, atol=1e-5),
       case("cdist", randn(2, 4, 3), randn(2, 5, 3), rtol=1e-5, atol=1e-5),
       case("view_as_complex", randn(4, 2)), case("view_as_real", X)]
    + [case("fft", (RE, IM), rtol=1e-4, atol=1e-4, variable=False),
       case("fft2", (RE, IM), rtol=1e-4, atol=1e-4, variable=False),
       case("ifft2", (RE, IM), rtol=1e-4, atol=1e-4, variable=False),
       case("rfft", SIGNAL, rtol=1e-4, atol=1e-4), case("rfft", SIGNAL, 10, rtol=1e-4,
                                                        atol=1e-4),
       case("irfft", (RE, IM), rtol=1e-4, atol=1e-4, variable=False),
       case("irfft", (RE, IM), 12, rtol=1e-4, atol=1e-4, variable=False)]
    + [case("stft", SIGNAL, 8, 4, 8, rtol=1e-4, atol=1e-4),
       case("stft", SIGNAL, 6, 3, 10, window="hamming", center=False, rtol=1e-4, atol=1e-4),
       case("stft", SIGNAL, 6, 3, 10, window=None, rtol=1e-4, atol=1e-4),
       case("istft", (randn(2, 5, 5), randn(2, 5, 5)), 8, 4, 8, rtol=1e-4, atol=1e-4,
            variable=False),
       case("istft", (randn(3, 6), randn(3, 6)), 6, 3, 10, length=9, window="hamming",
            rtol=1e-4, atol=1e-4, variable=False)]
)

test_matches_keras = comparison_test(CASES)


def test_fft_rejects_bad_input():
    with pytest.raises(ValueError, match="real, imag"):
        ops.fft(RE)
    with pytest.raises(ValueError, match="floats"):
        ops.fft((RE.astype("int32"), IM.astype("int32")))


def test_istft_inverts_stft():
    @jax.jit
    def round_trips(x):
        return [ops.istft(ops.stft(x, 8, 4, 8, window=w), 8, 4, 8, length=16, window=w)
                for w in ["hann", None]]

    for restored in round_trips(SIGNAL):
        assert_same(restored, SIGNAL, rtol=1e-4, atol=1e-4)


def test_segment_count_defaults_to_max_id_plus_one_eagerly():
    assert_same(ops.segment_sum(DATA, IDS), ops.segment_sum(DATA, IDS, num_segments=3))


def test_in_top_k_counts_ties_as_in():
    predictions = np.array([[1.0, 2.0, 2.0, 0.0]], "float32")
    assert_same(ops.in_top_k(np.array([2]), predictions, 1), np.array([True]))
