"""`keras.ops.linalg`: decompositions, solves and norms over `jax.numpy.linalg`.

Matrices are the last two axes; leading axes are batch axes. Integer inputs become
floatx().
"""

import jax
import jax.numpy as jnp
import jax.scipy.linalg

from lamina.ops._util import to_float
from lamina.ops.dispatch import op


def _check_finite(result, what):
    """Raise eagerly when a factorization failed (jax fills it with NaN)."""
    if not isinstance(result, jax.core.Tracer) and bool(jnp.any(jnp.isnan(result))):
        raise ValueError(f"{what} failed: the input is not {what.split()[0]}-factorizable "
                         "(e.g. not symmetric positive-definite).")
    return result


@op
def cholesky(x, upper=False):
    """The Cholesky factor L (lower, or U = L^H when upper=True) of positive-definite x."""
    factor = jnp.linalg.cholesky(to_float(x), upper=upper)
    return _check_finite(factor, "cholesky decomposition")


@op
def cholesky_inverse(x, upper=False):
    """inv(A) from A's Cholesky factor `x` (lower unless upper=True)."""
    x = to_float(x)
    eye = jnp.broadcast_to(jnp.eye(x.shape[-1], dtype=x.dtype), x.shape)
    return jax.scipy.linalg.cho_solve((x, not upper), eye)


@op
def det(x):
    """Determinant of (..., n, n)."""
    return jnp.linalg.det(to_float(x))


@op
def inv(x):
    """Matrix inverse of (..., n, n)."""
    return jnp.linalg.inv(to_float(x))


@op
def eig(x):
    """(eigenvalues, eigenvectors) of a general square matrix (complex). CPU only in jax."""
    return jnp.linalg.eig(to_float(x))


@op
def eigh(x):
    """(eigenvalues ascending, eigenvectors) of a symmetric/Hermitian matrix."""
    return jnp.linalg.eigh(to_float(x))


@op
def lu_factor(x):
    """(lu, pivots) of the pivoted LU factorization, as in scipy.linalg.lu_factor."""
    return jax.scipy.linalg.lu_factor(to_float(x))


@op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (NumPy's `ord` values; Frobenius/2-norm by default)."""
    if isinstance(axis, list):
        axis = tuple(axis)
    return jnp.linalg.norm(to_float(x), ord=ord, axis=axis, keepdims=keepdims)


@op
def matrix_rank(x, tol=None):
    """Rank (int32) from the number of singular values above `tol`."""
    return jnp.linalg.matrix_rank(to_float(x), tol=tol).astype("int32")


@op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse; singular values below rcond * max are dropped."""
    return jnp.linalg.pinv(to_float(x), rtol=rcond)


@op
def qr(x, mode="reduced"):
    """(q, r) with q orthonormal and r upper-triangular; mode "reduced" or "complete"."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr(): mode must be 'reduced' or 'complete'; got {mode!r}.")
    return jnp.linalg.qr(to_float(x), mode=mode)


@op
def solve(a, b):
    """x with a @ x = b (a: (..., n, n); b: (..., n, k) or (..., n))."""
    a, b = to_float(a), to_float(b)
    return jnp.linalg.solve(a, b)


@op
def solve_triangular(a, b, lower=False):
    """x with a @ x = b for triangular `a` (upper unless lower=True)."""
    a, b = to_float(a), to_float(b)
    return jax.scipy.linalg.solve_triangular(a, b, lower=lower)


@op
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u @ diag(s) @ vh; only s when compute_uv=False."""
    return jnp.linalg.svd(to_float(x), full_matrices=full_matrices, compute_uv=compute_uv)


@op
def lstsq(a, b, rcond=None):
    """The least-squares solution x minimizing |a @ x - b| (a: (m, n), b: (m,) or (m, k))."""
    a, b = to_float(a), to_float(b)
    return jnp.linalg.lstsq(a, b, rcond=rcond)[0]


@op
def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode derivative: (fun(*primals), J @ tangents) (plus aux when has_aux)."""
    return jax.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
