"""lamina.ops.linalg against keras.ops on the same inputs, under jit, with Variables."""

import jax
import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randn

import lamina.ops as ops

A = randn(4, 4)
SPD = A @ A.T + 4 * np.eye(4, dtype="float32")
BATCH_SPD = np.stack([SPD, SPD + np.eye(4, dtype="float32")])
B = randn(4, 2)
TALL = randn(6, 3)
LOWER = np.tril(SPD)
TOL = dict(rtol=1e-4, atol=1e-4)

CASES = [
    case("cholesky", SPD, **TOL), case("cholesky", BATCH_SPD, **TOL),
    case("cholesky", SPD, upper=True, **TOL),
    case("cholesky_inverse", np.linalg.cholesky(SPD), **TOL),
    case("cholesky_inverse", np.linalg.cholesky(SPD).T, upper=True, **TOL),
    case("det", A, **TOL), case("det", BATCH_SPD, rtol=1e-4), case("inv", SPD, **TOL),
    case("solve", SPD, B, **TOL), case("solve", BATCH_SPD, randn(2, 4, 3), **TOL),
    case("solve_triangular", LOWER, B, lower=True, **TOL),
    case("solve_triangular", LOWER.T, B, **TOL),
    case("norm", A), case("norm", A, ord=1), case("norm", A, ord="fro"),
    case("norm", A, axis=1), case("norm", A, ord=2, axis=0, keepdims=True),
    case("norm", A, ord=np.inf), case("norm", randn(5), ord=3, rtol=1e-5),
    case("norm", A, ord="nuc", rtol=1e-5), case("norm", A, ord=-1),
    case("lstsq", TALL, randn(6, 2), **TOL), case("lstsq", TALL, randn(6), **TOL),
    case("pinv", TALL, **TOL), case("matrix_rank", TALL), case("matrix_rank", np.ones((3, 3), "float32")),
    case("eigh", SPD, **TOL),
    case("svd", A, compute_uv=False, **TOL),
    case("lu_factor", A, **TOL),
]

test_matches_keras = comparison_test(CASES)


def _reconstructs(factors, x, combine):
    np.testing.assert_allclose(np.asarray(combine(*factors)), x, rtol=1e-4, atol=1e-4)


def test_decompositions_reconstruct_the_input():
    # Signs and orders of eigen/singular vectors are not unique, so check the algebra.
    _reconstructs(ops.qr(TALL), TALL, lambda q, r: q @ r)
    q, r = ops.qr(TALL, mode="complete")
    assert q.shape == (6, 6) and r.shape == (6, 3)
    _reconstructs(ops.svd(A), A, lambda u, s, vh: (u * s) @ vh)
    u, s, vh = ops.svd(TALL, full_matrices=False)
    assert u.shape == (6, 3)
    w, v = ops.eigh(SPD)
    _reconstructs((w, v), SPD, lambda w, v: (v * w) @ v.T)
    w, v = ops.eig(SPD)
    np.testing.assert_allclose(np.sort(np.real(np.asarray(w))), np.sort(np.asarray(ops.eigh(SPD)[0])),
                               rtol=1e-4)


def test_cholesky_of_an_indefinite_matrix_raises_value_error():
    with pytest.raises(ValueError, match="cholesky"):
        ops.cholesky(-SPD)


def test_jvp():
    primal, tangent = ops.jvp(lambda x: ops.sum(x ** 2), (A,), (np.ones_like(A),))
    assert_same(primal, np.sum(A ** 2), rtol=1e-5)
    assert_same(tangent, np.sum(2 * A), rtol=1e-4, atol=1e-4)
    out, tangent, aux = ops.jvp(lambda x: (x * 2, "aux"), (A,), (A,), has_aux=True)
    assert aux == "aux"


def test_linalg_is_jittable_with_integer_inputs():
    assert jax.jit(ops.det)(np.eye(3, dtype="int32")).dtype == "float32"
