"""NumPy matrix ops: products (matmul, dot, einsum, ...), diagonals, triangles and slogdet."""

import jax.numpy as jnp

from lamina.ops._util import to_float
from lamina.ops.dispatch import op
from lamina.ops._numpy_math import _binary


@op
def matmul(x1, x2):
    """Matrix product with batch broadcasting; int8 x int8 accumulates in int32.

    Examples:
        >>> keras.ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
        >>> keras.ops.matmul(np.ones((5, 2, 3)), np.ones((3, 4))).shape
        (5, 2, 4)
    """
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    if x1.dtype == jnp.int8 and x2.dtype == jnp.int8:
        return jnp.matmul(x1, x2, preferred_element_type="int32")
    return jnp.matmul(x1, x2)


@op
def dot(x1, x2):
    """NumPy's dot: sum over the last axis of x1 and the second-to-last of x2."""
    return jnp.dot(x1, x2)


@op
def tensordot(x1, x2, axes=2):
    """Sum products over `axes` (an int: last/first n axes, or a pair of axis lists)."""
    return jnp.tensordot(x1, x2, axes)


@op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. `einsum("bij,bjk->bik", a, b)`."""
    return jnp.einsum(subscripts, *operands, **kwargs)


outer = _binary("outer", jnp.outer, "Outer product of the two flattened inputs.", __name__)
inner = _binary("inner", jnp.inner, "Inner product over the last axes.", __name__)
vdot = _binary("vdot", jnp.vdot, "Dot product of the flattened inputs (conjugating x1).", __name__)
kron = _binary("kron", jnp.kron, "Kronecker product.", __name__)


@op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors) along the given axes."""
    return jnp.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


@op
def diag(x, k=0):
    """Extract the `k`-th diagonal of a 2-D array, or build a 2-D array from a 1-D one."""
    return jnp.diag(x, k)


@op
def diagflat(x, k=0):
    """A 2-D array with the flattened input on the `k`-th diagonal."""
    return jnp.diagflat(x, k)


@op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of the planes given by `axis1`, `axis2`."""
    return jnp.diagonal(x, offset, axis1, axis2)


@op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal."""
    return jnp.trace(x, offset, axis1, axis2)


@op
def tril(x, k=0):
    """Zero the elements above the `k`-th diagonal (of the last two axes)."""
    return jnp.tril(x, k)


@op
def triu(x, k=0):
    """Zero the elements below the `k`-th diagonal (of the last two axes)."""
    return jnp.triu(x, k)


@op
def vander(x, N=None, increasing=False):
    """Vandermonde matrix of the 1-D `x` with `N` columns (len(x) by default)."""
    return jnp.vander(x, N, increasing=increasing)


@op
def slogdet(x):
    """(sign, log|det|) of square matrices."""
    return tuple(jnp.linalg.slogdet(to_float(x)))
