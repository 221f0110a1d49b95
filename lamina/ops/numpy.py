"""`keras.ops` NumPy-style operations, as thin wrappers over `jax.numpy`.

Arguments follow Keras 3 (names, order, defaults). Element-wise maths that only
makes sense on floats (`sqrt`, `exp`, `sin`, ...) turns integer and bool inputs into
`floatx()`; everything else keeps jax.numpy's dtype rules.

The code lives in one module per idea; this module gathers their names:
`_numpy_math` (element-wise), `_numpy_reductions`, `_numpy_creation`, `_numpy_shapes`,
`_numpy_matrix` and `_numpy_sorting`.
"""

from lamina.ops._numpy_math import (  # noqa: F401
    abs, absolute, add, allclose, angle, arccos, arccosh, arcsin, arcsinh, arctan, arctan2,
    arctanh, bitwise_and, bitwise_invert, bitwise_left_shift, bitwise_not, bitwise_or,
    bitwise_right_shift, bitwise_xor, cbrt, ceil, clip, conj, conjugate, cos, cosh, deg2rad,
    divide, divide_no_nan, equal, exp, exp2, expm1, fabs, floor, floor_divide, fmax, fmin,
    fmod, gcd, greater, greater_equal, heaviside, hypot, i0, imag, isclose, isfinite, isin,
    isinf, isnan, isneginf, isposinf, isreal, lcm, ldexp, left_shift, less, less_equal, log,
    log10, log1p, log2, logaddexp, logaddexp2, logical_and, logical_not, logical_or,
    logical_xor, maximum, minimum, mod, multiply, nan_to_num, negative, nextafter,
    not_equal, power, rad2deg, real, reciprocal, right_shift, round, select, sign, signbit,
    sin, sinc, sinh, sqrt, square, subtract, tan, tanh, true_divide, trunc, where,
)
from lamina.ops._numpy_reductions import (  # noqa: F401
    all, amax, amin, any, argmax, argmin, average, count_nonzero, cumprod, cumsum, max,
    mean, median, min, nanargmax, nanargmin, nancumprod, nancumsum, nanmax, nanmean,
    nanmedian, nanmin, nanpercentile, nanprod, nanquantile, nanstd, nansum, nanvar,
    percentile, prod, ptp, quantile, std, sum, var,
)
from lamina.ops._numpy_creation import (  # noqa: F401
    arange, array, bartlett, blackman, copy, empty, empty_like, eye, full, full_like,
    geomspace, hamming, hanning, identity, kaiser, linspace, logspace, meshgrid, ones,
    ones_like, tri, zeros, zeros_like,
)
from lamina.ops._numpy_shapes import (  # noqa: F401
    append, array_split, broadcast_to, concatenate, dsplit, dstack, expand_dims, flip,
    fliplr, flipud, get_item, hsplit, hstack, moveaxis, ndim, pad, ravel, repeat, reshape,
    roll, rot90, size, split, squeeze, stack, swapaxes, take, take_along_axis, tile,
    transpose, vsplit, vstack,
)
from lamina.ops._numpy_matrix import (  # noqa: F401
    cross, diag, diagflat, diagonal, dot, einsum, inner, kron, matmul, outer, slogdet,
    tensordot, trace, tril, triu, vander, vdot,
)
from lamina.ops._numpy_sorting import (  # noqa: F401
    argpartition, argsort, bincount, corrcoef, correlate, diff, digitize, histogram,
    nonzero, searchsorted, sort, trapezoid, unique, unravel_index, vectorize, view,
)
