"""`keras.ops` NumPy-style operations, as thin wrappers over `jax.numpy`.

Arguments follow Keras 3 (names, order, defaults). Element-wise maths that only
makes sense on floats (`sqrt`, `exp`, `sin`, ...) turns integer and bool inputs into
`floatx()`; everything else keeps jax.numpy's dtype rules.
"""

import builtins

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops import _util
from lamina.ops._util import axis_arg as _axis, dtype_or_none, to_float
from lamina.ops.core import convert_to_tensor, getitem
from lamina.ops.dispatch import op


# ---------------------------------------------------------------------------
# Element-wise, table-driven. Each line makes one public `@op` function.
# ---------------------------------------------------------------------------

def _keep(name, jfn, doc):
    """One-argument op that keeps jax.numpy's output dtype."""
    return _util.make_op(name, lambda x: jfn(jnp.asarray(x)), doc, __name__)


def _floating(name, jfn, doc):
    """One-argument op whose integer/bool inputs are first cast to floatx()."""
    return _util.make_op(name, lambda x: jfn(to_float(x)), doc, __name__)


def _binary(name, jfn, doc):
    """Two-argument op with broadcasting and jax.numpy's type promotion."""
    return _util.make_op(name, lambda x1, x2: jfn(x1, x2), doc, __name__)


def _bitwise(name, jfn, doc):
    """Two-argument integer/bool op; Keras names its arguments (x, y)."""
    return _util.make_op(name, lambda x, y: jfn(x, y), doc, __name__)


def _binary_floating(name, jfn, doc):
    """Two-argument op computed in a float dtype (floatx() for integer inputs)."""

    def fn(x1, x2):
        dtype = jnp.result_type(x1, x2)
        if not jnp.issubdtype(dtype, jnp.inexact):
            dtype = config.floatx()
        return jfn(jnp.asarray(x1, dtype), jnp.asarray(x2, dtype))

    return _util.make_op(name, fn, doc, __name__)


absolute = _keep("absolute", jnp.abs, "Absolute value, element-wise. Same as `abs`.")
abs = absolute
negative = _keep("negative", jnp.negative, "`-x`, element-wise.")
square = _keep("square", jnp.square, "`x * x`, element-wise.")
sign = _keep("sign", jnp.sign, "-1, 0 or 1 by the sign of each element.")
trunc = _keep("trunc", jnp.trunc, "Round towards zero, element-wise.")
conj = _keep("conj", jnp.conj, "Complex conjugate, element-wise.")
conjugate = conj
real = _keep("real", jnp.real, "Real part, element-wise.")
imag = _keep("imag", jnp.imag, "Imaginary part, element-wise.")
bitwise_invert = _keep("bitwise_invert", jnp.bitwise_invert, "Bit-wise NOT (`~x`).")
bitwise_not = bitwise_invert
logical_not = _keep("logical_not", jnp.logical_not, "Element-wise NOT as bools.")
isnan = _keep("isnan", jnp.isnan, "True where `x` is NaN.")
isinf = _keep("isinf", jnp.isinf, "True where `x` is +inf or -inf.")
isfinite = _keep("isfinite", jnp.isfinite, "True where `x` is neither inf nor NaN.")
isneginf = _keep("isneginf", jnp.isneginf, "True where `x` is -inf.")
isposinf = _keep("isposinf", jnp.isposinf, "True where `x` is +inf.")
isreal = _keep("isreal", jnp.isreal, "True where the imaginary part is zero.")
signbit = _keep("signbit", jnp.signbit, "True where the sign bit is set (x < 0 or -0.0).")

sqrt = _floating("sqrt", jnp.sqrt, "Square root, element-wise.")
cbrt = _floating("cbrt", jnp.cbrt, "Cube root, element-wise.")
exp = _floating("exp", jnp.exp, "e**x, element-wise.")
exp2 = _floating("exp2", jnp.exp2, "2**x, element-wise.")
expm1 = _floating("expm1", jnp.expm1, "exp(x) - 1, accurate near 0.")
log = _floating("log", jnp.log, "Natural logarithm, element-wise.")
log1p = _floating("log1p", jnp.log1p, "log(1 + x), accurate near 0.")
log2 = _floating("log2", jnp.log2, "Base-2 logarithm, element-wise.")
log10 = _floating("log10", jnp.log10, "Base-10 logarithm, element-wise.")
reciprocal = _floating("reciprocal", jnp.reciprocal, "1 / x, element-wise.")
floor = _floating("floor", jnp.floor, "Round down, element-wise.")
ceil = _floating("ceil", jnp.ceil, "Round up, element-wise.")
fabs = _floating("fabs", jnp.fabs, "Absolute value as floats.")
sin = _floating("sin", jnp.sin, "Sine, element-wise (radians).")
cos = _floating("cos", jnp.cos, "Cosine, element-wise (radians).")
tan = _floating("tan", jnp.tan, "Tangent, element-wise (radians).")
arcsin = _floating("arcsin", jnp.arcsin, "Inverse sine, element-wise.")
arccos = _floating("arccos", jnp.arccos, "Inverse cosine, element-wise.")
arctan = _floating("arctan", jnp.arctan, "Inverse tangent, element-wise.")
sinh = _floating("sinh", jnp.sinh, "Hyperbolic sine, element-wise.")
cosh = _floating("cosh", jnp.cosh, "Hyperbolic cosine, element-wise.")
tanh = _floating("tanh", jnp.tanh, "Hyperbolic tangent, element-wise.")
arcsinh = _floating("arcsinh", jnp.arcsinh, "Inverse hyperbolic sine, element-wise.")
arccosh = _floating("arccosh", jnp.arccosh, "Inverse hyperbolic cosine, element-wise.")
arctanh = _floating("arctanh", jnp.arctanh, "Inverse hyperbolic tangent, element-wise.")
deg2rad = _floating("deg2rad", jnp.deg2rad, "Degrees to radians.")
rad2deg = _floating("rad2deg", jnp.rad2deg, "Radians to degrees.")
sinc = _floating("sinc", jnp.sinc, "sin(pi x) / (pi x), element-wise.")
i0 = _floating("i0", jnp.i0, "Modified Bessel function of the first kind, order 0.")
angle = _floating("angle", jnp.angle, "Argument (phase) of complex numbers, in radians.")

add = _binary("add", jnp.add, "`x1 + x2` with broadcasting.")
subtract = _binary("subtract", jnp.subtract, "`x1 - x2` with broadcasting.")
multiply = _binary("multiply", jnp.multiply, "`x1 * x2` with broadcasting.")
floor_divide = _binary("floor_divide", jnp.floor_divide, "`x1 // x2` with broadcasting.")
mod = _binary("mod", jnp.mod, "`x1 % x2` (sign of the divisor) with broadcasting.")
power = _binary("power", jnp.power, "`x1 ** x2` with broadcasting.")
maximum = _binary("maximum", jnp.maximum, "Element-wise maximum (NaN propagates).")
minimum = _binary("minimum", jnp.minimum, "Element-wise minimum (NaN propagates).")
equal = _binary("equal", jnp.equal, "`x1 == x2`, element-wise.")
not_equal = _binary("not_equal", jnp.not_equal, "`x1 != x2`, element-wise.")
less = _binary("less", jnp.less, "`x1 < x2`, element-wise.")
less_equal = _binary("less_equal", jnp.less_equal, "`x1 <= x2`, element-wise.")
greater = _binary("greater", jnp.greater, "`x1 > x2`, element-wise.")
greater_equal = _binary("greater_equal", jnp.greater_equal, "`x1 >= x2`, element-wise.")
logical_and = _binary("logical_and", jnp.logical_and, "Element-wise AND as bools.")
logical_or = _binary("logical_or", jnp.logical_or, "Element-wise OR as bools.")
logical_xor = _binary("logical_xor", jnp.logical_xor, "Element-wise XOR as bools.")
bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and, "Bit-wise AND of integers or bools.")
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or, "Bit-wise OR of integers or bools.")
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor, "Bit-wise XOR of integers or bools.")
bitwise_left_shift = _bitwise("bitwise_left_shift", jnp.left_shift, "`x << y`.")
bitwise_right_shift = _bitwise("bitwise_right_shift", jnp.right_shift, "`x >> y`.")
gcd = _binary("gcd", jnp.gcd, "Greatest common divisor, element-wise.")
lcm = _binary("lcm", jnp.lcm, "Least common multiple, element-wise.")
heaviside = _binary("heaviside", jnp.heaviside, "0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0.")
fmax = _binary("fmax", jnp.fmax, "Element-wise maximum that ignores NaN.")
fmin = _binary("fmin", jnp.fmin, "Element-wise minimum that ignores NaN.")
fmod = _binary("fmod", jnp.fmod, "Remainder with the sign of the dividend (C's fmod).")
ldexp = _binary("ldexp", jnp.ldexp, "`x1 * 2**x2`, element-wise.")
nextafter = _binary("nextafter", jnp.nextafter, "The next float after x1 towards x2.")

divide = _binary_floating("divide", jnp.true_divide, "`x1 / x2` (true division).")
true_divide = _binary_floating("true_divide", jnp.true_divide, "`x1 / x2`. Same as `divide`.")
arctan2 = _binary_floating("arctan2", jnp.arctan2, "Angle of the point (x2, x1), in radians.")
hypot = _binary_floating("hypot", jnp.hypot, "sqrt(x1**2 + x2**2), element-wise.")
logaddexp = _binary_floating("logaddexp", jnp.logaddexp, "log(exp(x1) + exp(x2)), stably.")
logaddexp2 = _binary_floating("logaddexp2", jnp.logaddexp2, "log2(2**x1 + 2**x2), stably.")


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


@op
def divide_no_nan(x1, x2):
    """`x1 / x2`, with 0 wherever `x2 == 0`."""
    x1, x2 = jnp.asarray(x1), jnp.asarray(x2)
    safe = jnp.where(x2 == 0, jnp.ones_like(x2), x2)
    return jnp.where(x2 == 0, 0, true_divide(x1, safe))


@op
def round(x, decimals=0):
    """Round half to even, to `decimals` places."""
    return jnp.round(x, decimals)


@op
def clip(x, x_min, x_max):
    """Limit values to `[x_min, x_max]`. Bool inputs become int32."""
    x = jnp.asarray(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, x_min, x_max)


@op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN by `nan` and infinities by `posinf`/`neginf` (default: dtype limits)."""
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True where |x1 - x2| <= atol + rtol * |x2|."""
    return jnp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """A scalar bool: `isclose` holds everywhere."""
    return jnp.allclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of `x1` occurs in `x2` (shape of `x1`)."""
    return jnp.isin(x1, x2, assume_unique=assume_unique, invert=invert)


@op
def where(condition, x1=None, x2=None):
    """`x1` where `condition` else `x2`; with neither, the indices of True (`nonzero`)."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where() needs both `x1` and `x2`, or neither.")
    return jnp.where(condition, x1, x2)


@op
def select(condlist, choicelist, default=0):
    """For each element, the entry of the first choice whose condition holds, else `default`."""
    return jnp.select(list(condlist), list(choicelist), default)


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

def _stat_dtypes(x):
    """(compute dtype, result dtype) for mean-like statistics.

    Integers give floatx(); float16/bfloat16 are computed in float32 and cast back.
    """
    x = jnp.asarray(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return config.floatx(), config.floatx()
    compute = jnp.promote_types(x.dtype, jnp.float32)
    return compute, x.dtype


def _statistic(jfn):
    def fn(x, axis=None, keepdims=False):
        compute, result = _stat_dtypes(x)
        out = jfn(jnp.asarray(x, compute), axis=_axis(axis), keepdims=keepdims)
        return out.astype(result)

    return fn


def _reduction(name, jfn, doc):
    """`fn(x, axis=None, keepdims=False)` keeping jax.numpy's dtype rules."""

    def fn(x, axis=None, keepdims=False):
        return jfn(x, axis=_axis(axis), keepdims=keepdims)

    return _util.make_op(name, fn, doc, __name__)


def _stat(name, jfn, doc):
    return _util.make_op(name, _statistic(jfn), doc, __name__)


_RED = "\n\nArgs: x, axis (int, tuple or None for all), keepdims (default False)."
sum = _reduction("sum", jnp.sum, "Sum of elements over `axis`." + _RED)
all = _reduction("all", jnp.all, "True where every element is truthy." + _RED)
any = _reduction("any", jnp.any, "True where some element is truthy." + _RED)
nansum = _reduction("nansum", jnp.nansum, "Sum, treating NaN as zero." + _RED)
nanprod = _reduction("nanprod", jnp.nanprod, "Product, treating NaN as one." + _RED)
nanmax = _reduction("nanmax", jnp.nanmax, "Maximum, ignoring NaN." + _RED)
nanmin = _reduction("nanmin", jnp.nanmin, "Minimum, ignoring NaN." + _RED)
ptp = _reduction("ptp", jnp.ptp, "max - min over `axis`." + _RED)
mean = _stat("mean", jnp.mean, "Arithmetic mean; integers give floatx()." + _RED)
var = _stat("var", jnp.var, "Population variance (ddof=0)." + _RED)
std = _stat("std", jnp.std, "Population standard deviation (ddof=0)." + _RED)
median = _stat("median", jnp.median, "Median over `axis`." + _RED)
nanmean = _stat("nanmean", jnp.nanmean, "Mean, ignoring NaN." + _RED)
nanvar = _stat("nanvar", jnp.nanvar, "Variance, ignoring NaN." + _RED)
nanstd = _stat("nanstd", jnp.nanstd, "Standard deviation, ignoring NaN." + _RED)
nanmedian = _stat("nanmedian", jnp.nanmedian, "Median, ignoring NaN." + _RED)


@op
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over `axis` (all axes when None); `initial` bounds it from below."""
    return jnp.max(x, axis=_axis(axis), keepdims=keepdims, initial=initial)


@op
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over `axis` (all axes when None); `initial` bounds it from above."""
    return jnp.min(x, axis=_axis(axis), keepdims=keepdims, initial=initial)


amax = _reduction("amax", jnp.max, "Maximum over `axis`. Same as `max`." + _RED)
amin = _reduction("amin", jnp.min, "Minimum over `axis`. Same as `min`." + _RED)


@op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product of elements over `axis`."""
    return jnp.prod(x, axis=_axis(axis), keepdims=keepdims, dtype=dtype_or_none(dtype))


def _arg_reduction(name, jfn, doc):
    def fn(x, axis=None, keepdims=False):
        return jfn(x, axis=axis, keepdims=keepdims).astype("int32")

    return _util.make_op(name, fn, doc, __name__)


argmax = _arg_reduction("argmax", jnp.argmax, "Index (int32) of the largest value along `axis`; "
                        "over the flattened array when None.")
argmin = _arg_reduction("argmin", jnp.argmin, "Index (int32) of the smallest value along `axis`.")
nanargmax = _arg_reduction("nanargmax", jnp.nanargmax, "`argmax` ignoring NaN.")
nanargmin = _arg_reduction("nanargmin", jnp.nanargmin, "`argmin` ignoring NaN.")


@op
def count_nonzero(x, axis=None):
    """Number (int32) of non-zero elements over `axis`."""
    return jnp.count_nonzero(x, axis=_axis(axis)).astype("int32")


def _quantile_op(name, jfn, doc):
    def fn(x, q, axis=None, method="linear", keepdims=False):
        compute, result = _stat_dtypes(x)
        q = jnp.asarray(q, compute)
        out = jfn(jnp.asarray(x, compute), q, axis=_axis(axis), method=method,
                  keepdims=keepdims)
        return out.astype(result)

    return _util.make_op(name, fn, doc, __name__)


quantile = _quantile_op("quantile", jnp.quantile,
                        "The `q`-th quantiles (q in [0, 1]) over `axis`; method='linear'.")
nanquantile = _quantile_op("nanquantile", jnp.nanquantile, "`quantile` ignoring NaN.")
percentile = _quantile_op("percentile", jnp.percentile,
                          "The `q`-th percentiles (q in [0, 100]) over `axis`.")
nanpercentile = _quantile_op("nanpercentile", jnp.nanpercentile, "`percentile` ignoring NaN.")


@op
def average(x, axis=None, weights=None):
    """Weighted mean over `axis`; `weights` broadcasts along it (1-D of that length is fine)."""
    x = to_float(x)
    if weights is not None:
        weights = jnp.asarray(weights)
        dtype = jnp.result_type(x, weights)
        if not jnp.issubdtype(dtype, jnp.inexact):
            dtype = config.floatx()
        x, weights = x.astype(dtype), weights.astype(dtype)
    return jnp.average(x, axis=axis, weights=weights)


def _cumulative(name, jfn, doc):
    def fn(x, axis=None, dtype=None):
        x = jnp.asarray(x)
        if dtype is None and x.dtype == jnp.bool_:
            dtype = "int32"
        return jfn(x, axis=axis, dtype=dtype_or_none(dtype))

    return _util.make_op(name, fn, doc, __name__)


cumsum = _cumulative("cumsum", jnp.cumsum, "Running sum along `axis` (flattened when None).")
cumprod = _cumulative("cumprod", jnp.cumprod, "Running product along `axis` (flattened when None).")
nancumsum = _cumulative("nancumsum", jnp.nancumsum, "`cumsum` treating NaN as zero.")
nancumprod = _cumulative("nancumprod", jnp.nancumprod, "`cumprod` treating NaN as one.")


# ---------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------

@op
def zeros(shape, dtype=None):
    """An array of zeros; dtype defaults to floatx()."""
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@op
def ones(shape, dtype=None):
    """An array of ones; dtype defaults to floatx()."""
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


@op
def empty(shape, dtype=None):
    """An array of the given shape (filled with zeros); dtype defaults to floatx()."""
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@op
def full(shape, fill_value, dtype=None):
    """An array filled with `fill_value`; dtype defaults to floatx()."""
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@op
def zeros_like(x, dtype=None):
    """Zeros with the shape of `x` (and its dtype unless given)."""
    return jnp.zeros_like(x, dtype=dtype_or_none(dtype))


@op
def ones_like(x, dtype=None):
    """Ones with the shape of `x` (and its dtype unless given)."""
    return jnp.ones_like(x, dtype=dtype_or_none(dtype))


@op
def empty_like(x, dtype=None):
    """An array shaped like `x` (filled with zeros)."""
    return jnp.zeros_like(x, dtype=dtype_or_none(dtype))


@op
def full_like(x, fill_value, dtype=None):
    """`fill_value` with the shape of `x` (and its dtype unless given)."""
    return jnp.full_like(x, fill_value, dtype=dtype_or_none(dtype))


def _scalar_dtype(*values):
    """The dtype Keras infers from Python numbers or arrays: int32 or floatx()."""
    kinds = []
    for v in values:
        if v is None:
            continue
        if hasattr(v, "dtype"):
            kinds.append(jnp.dtype(v.dtype))
        elif isinstance(v, float):
            kinds.append(jnp.dtype(config.floatx()))
        elif isinstance(v, bool):
            kinds.append(jnp.dtype("bool"))
        else:
            kinds.append(jnp.dtype("int32"))
    return jnp.result_type(*kinds)


@op
def arange(start, stop=None, step=None, dtype=None):
    """`[start, stop)` in steps of `step` (default 1); `arange(n)` is `0..n-1`.

    The dtype is int32 for integer arguments and floatx() when any is a float.
    """
    if dtype is None:
        dtype = _scalar_dtype(start, stop, step)
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


@op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop` (floatx() by default)."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype,
                        axis=axis)


@op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`base ** linspace(start, stop, num)`."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.logspace(start, stop, num, endpoint=endpoint, base=base, dtype=dtype, axis=axis)


@op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values evenly spaced on a log scale from `start` to `stop`."""
    dtype = standardize_dtype(dtype) if dtype is not None else _float_result(start, stop)
    return jnp.geomspace(start, stop, num, endpoint=endpoint, dtype=dtype, axis=axis)


def _float_result(*values):
    dtype = _scalar_dtype(*values)
    return dtype if jnp.issubdtype(dtype, jnp.inexact) else jnp.dtype(config.floatx())


@op
def eye(N, M=None, k=0, dtype=None):
    """A 2-D array with ones on the `k`-th diagonal; `N x M` (M defaults to N), floatx()."""
    return jnp.eye(N, M, k, dtype=standardize_dtype(dtype))


@op
def identity(n, dtype=None):
    """The `n x n` identity matrix (floatx() by default)."""
    return jnp.identity(n, dtype=standardize_dtype(dtype))


@op
def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the `k`-th diagonal of an `N x M` array (floatx() by default)."""
    return jnp.tri(N, M, k, dtype=standardize_dtype(dtype))


@op
def array(x, dtype=None):
    """An array from `x`; Python floats give floatx(), Python ints int32."""
    return convert_to_tensor(x, dtype)


@op
def copy(x):
    """A copy of `x`."""
    return jnp.array(x, copy=True)


@op
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from 1-D vectors; `indexing` is 'xy' (Cartesian) or 'ij'."""
    return jnp.meshgrid(*x, indexing=indexing)


def _window(name, jfn):
    def fn(x):
        return jfn(int(x)).astype(config.floatx())

    return _util.make_op(name, fn, f"The {name.capitalize()} window of length `x` (floatx()).",
                         __name__)


bartlett = _window("bartlett", jnp.bartlett)
blackman = _window("blackman", jnp.blackman)
hamming = _window("hamming", jnp.hamming)
hanning = _window("hanning", jnp.hanning)


@op
def kaiser(x, beta):
    """The Kaiser window of length `x` with shape parameter `beta`."""
    return jnp.kaiser(int(x), beta).astype(config.floatx())


# ---------------------------------------------------------------------------
# Shapes, joins and splits
# ---------------------------------------------------------------------------

@op
def reshape(x, newshape):
    """`x` with a new shape (one entry may be -1)."""
    if isinstance(newshape, int):
        newshape = (newshape,)
    return jnp.reshape(x, tuple(newshape))


@op
def transpose(x, axes=None):
    """Permute axes; reverses them when `axes` is None."""
    return jnp.transpose(x, axes)


@op
def expand_dims(x, axis):
    """Insert size-1 axes at `axis` (an int or a tuple)."""
    return jnp.expand_dims(x, _axis(axis))


@op
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them when `axis` is None)."""
    return jnp.squeeze(x, _axis(axis))


@op
def ravel(x):
    """The flattened 1-D array."""
    return jnp.ravel(x)


@op
def broadcast_to(x, shape):
    """`x` broadcast to `shape`."""
    return jnp.broadcast_to(x, tuple(shape))


@op
def moveaxis(x, source, destination):
    """Move axes `source` to positions `destination`."""
    return jnp.moveaxis(x, source, destination)


@op
def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    return jnp.swapaxes(x, axis1, axis2)


@op
def concatenate(xs, axis=0):
    """Join a sequence of arrays along an existing axis (flattened when axis is None)."""
    return jnp.concatenate(list(xs), axis=axis)


@op
def stack(x, axis=0):
    """Join a sequence of same-shape arrays along a new axis."""
    return jnp.stack(list(x), axis=axis)


@op
def append(x1, x2, axis=None):
    """`x2` appended to `x1` along `axis` (both flattened when None)."""
    return jnp.append(x1, x2, axis=axis)


@op
def vstack(xs):
    """Stack row-wise (along axis 0, 1-D inputs become rows)."""
    return jnp.vstack(list(xs))


@op
def hstack(xs):
    """Stack column-wise (along axis 1; axis 0 for 1-D inputs)."""
    return jnp.hstack(list(xs))


@op
def dstack(xs):
    """Stack along the third axis."""
    return jnp.dstack(list(xs))


def _split(name, jfn, doc, with_axis):
    if with_axis:
        def fn(x, indices_or_sections, axis=0):
            return jfn(x, _sections(indices_or_sections), axis=axis)
    else:
        def fn(x, indices_or_sections):
            return jfn(x, _sections(indices_or_sections))
    return _util.make_op(name, fn, doc + " Returns a list.", __name__)


def _sections(value):
    return value if isinstance(value, int) else [int(i) for i in value]


split = _split("split", jnp.split, "Split into equal sections or at the given indices.", True)
array_split = _split("array_split", jnp.array_split,
                     "Split into `n` nearly equal sections (or at indices).", True)
hsplit = _split("hsplit", jnp.hsplit, "Split along axis 1 (axis 0 for 1-D).", False)
vsplit = _split("vsplit", jnp.vsplit, "Split along axis 0.", False)
dsplit = _split("dsplit", jnp.dsplit, "Split along axis 2.", False)


@op
def tile(x, repeats):
    """Repeat the whole array `repeats` times per axis."""
    return jnp.tile(x, repeats)


@op
def repeat(x, repeats, axis=None):
    """Repeat each element `repeats` times along `axis` (flattened when None).

    `repeats` is an int or one count per element; under `jit` the counts must be
    Python ints (the output size depends on them).
    """
    if isinstance(repeats, (list, tuple)):
        counts = [int(r) for r in repeats]
        if len(counts) > 1:
            return jnp.repeat(x, jnp.asarray(counts, "int32"), axis=axis,
                              total_repeat_length=builtins.sum(counts))
        repeats = counts[0]
    return jnp.repeat(x, repeats, axis=axis)


@op
def flip(x, axis=None):
    """Reverse the order of elements along `axis` (all axes when None)."""
    return jnp.flip(x, _axis(axis))


@op
def fliplr(x):
    """Reverse along axis 1."""
    return jnp.fliplr(x)


@op
def flipud(x):
    """Reverse along axis 0."""
    return jnp.flipud(x)


@op
def roll(x, shift, axis=None):
    """Shift elements cyclically by `shift` along `axis` (flattened when None)."""
    return jnp.roll(x, shift, _axis(axis))


@op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `axes`."""
    return jnp.rot90(array, k=k, axes=tuple(axes))


@op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with `pad_width` ((before, after) per axis, or one pair / int for all).

    `constant_values` is only valid with mode="constant" (default 0).
    """
    mode = mode.lower()
    if constant_values is not None:
        if mode != "constant":
            raise ValueError(
                f"pad(): `constant_values` can only be used with mode='constant'; "
                f"got mode={mode!r}.")
        return jnp.pad(x, pad_width, mode="constant", constant_values=constant_values)
    return jnp.pad(x, pad_width, mode=mode)


@op
def take(x, indices, axis=None):
    """Elements of `x` at `indices` along `axis` (flattened when None).

    Negative indices count from the end.
    """
    x = jnp.asarray(x)
    indices = jnp.asarray(indices)
    size = x.size if axis is None else x.shape[axis]
    indices = jnp.where(indices < 0, indices + size, indices)
    return jnp.take(x, indices, axis=axis)


@op
def take_along_axis(x, indices, axis=None):
    """Pick values along `axis` with an index array shaped like `x` (broadcastable)."""
    x = jnp.asarray(x)
    indices = jnp.asarray(indices)
    if axis is None:
        return jnp.take_along_axis(x.ravel(), indices.ravel(), axis=0)
    axis = axis % x.ndim
    # jax.numpy requires equal ranks; broadcast every axis but `axis` like Keras does.
    shape = list(jnp.broadcast_shapes(
        x.shape[:axis] + (1,) + x.shape[axis + 1:],
        indices.shape[:axis] + (1,) + indices.shape[axis + 1:]))
    x = jnp.broadcast_to(x, tuple(shape[:axis] + [x.shape[axis]] + shape[axis + 1:]))
    indices = jnp.broadcast_to(
        indices, tuple(shape[:axis] + [indices.shape[axis]] + shape[axis + 1:]))
    indices = jnp.where(indices < 0, indices + x.shape[axis], indices)
    return jnp.take_along_axis(x, indices, axis=axis)


get_item = getitem


@op
def size(x):
    """The number of elements of `x` (a Python int)."""
    return int(jnp.size(x))


def ndim(x):
    """The number of axes of `x` (a Python int). Not an op: it needs only the shape."""
    return len(x.shape) if hasattr(x, "shape") else jnp.ndim(x)


# ---------------------------------------------------------------------------
# Matrices and diagonals
# ---------------------------------------------------------------------------

@op
def matmul(x1, x2):
    """Matrix product with batch broadcasting; int8 x int8 accumulates in int32."""
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


outer = _binary("outer", jnp.outer, "Outer product of the two flattened inputs.")
inner = _binary("inner", jnp.inner, "Inner product over the last axes.")
vdot = _binary("vdot", jnp.vdot, "Dot product of the flattened inputs (conjugating x1).")
kron = _binary("kron", jnp.kron, "Kronecker product.")


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


# ---------------------------------------------------------------------------
# Sorting, searching, counting
# ---------------------------------------------------------------------------

@op
def sort(x, axis=-1):
    """Sorted copy along `axis` (flattened when None)."""
    return jnp.sort(x, axis=axis)


@op
def argsort(x, axis=-1):
    """Indices (int32) that sort `x` along `axis` (flattened when None)."""
    return jnp.argsort(x, axis=axis).astype("int32")


@op
def argpartition(x, kth, axis=-1):
    """Indices that partially sort `x` so the `kth` element is in its sorted place."""
    return jnp.argpartition(x, kth, axis=axis).astype("int32")


@op
def searchsorted(sorted_sequence, values, side="left"):
    """Insertion indices (int32) of `values` into the 1-D `sorted_sequence`."""
    sorted_sequence = jnp.asarray(sorted_sequence)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            f"searchsorted() needs a 1-D sorted_sequence; got shape {sorted_sequence.shape}.")
    return jnp.searchsorted(sorted_sequence, values, side=side).astype("int32")


@op
def digitize(x, bins):
    """Index (int32) of the bin each value falls in."""
    return jnp.digitize(x, bins).astype("int32")


@op
def nonzero(x):
    """A tuple of index arrays (int32), one per axis, where `x` is non-zero.

    The output size depends on the values, so this does not run under `jit`.
    """
    return tuple(i.astype("int32") for i in jnp.nonzero(x))


@op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """The distinct values of `x` (sorted), optionally with index/inverse/counts.

    Under `jit` pass `size` (padded with `fill_value`, default the smallest value).
    """
    return jnp.unique(x, return_index=return_index, return_inverse=return_inverse,
                      return_counts=return_counts, axis=axis, size=size,
                      fill_value=fill_value)


@op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count (or sum `weights` of) each non-negative integer value; 2-D input counts per row.

    The length is max(x) + 1 or `minlength`, so under `jit` set `minlength`, which
    then is the exact length.
    """
    _util.reject_sparse(sparse, "bincount")
    x = jnp.asarray(x)
    if isinstance(x, jax.core.Tracer):
        if not minlength:
            raise ValueError("bincount() under jit needs `minlength` (the output length).")
        length = minlength
    else:
        # x holds concrete values here; read its maximum on the host.
        length = builtins.max(int(np.max(np.asarray(x))) + 1 if x.size else 0, minlength)

    def count(row, w):
        return jnp.bincount(row, weights=w, minlength=length, length=length)

    if x.ndim == 2:
        if weights is None:
            return jax.vmap(lambda r: count(r, None))(x)
        return jax.vmap(count)(x, jnp.asarray(weights))
    return count(x, weights)


@op
def histogram(x, bins=10, range=None):
    """(counts, bin_edges) of the 1-D `x` over `bins` equal bins within `range`."""
    x = jnp.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"histogram() needs a 1-D input; got shape {x.shape}.")
    return jnp.histogram(x, bins=bins, range=range)


@op
def diff(a, n=1, axis=-1):
    """`n`-th discrete difference along `axis`."""
    return jnp.diff(a, n=n, axis=axis)


@op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D arrays; mode is 'valid', 'same' or 'full'."""
    return jnp.correlate(to_float(x1), to_float(x2), mode=mode)


@op
def corrcoef(x):
    """Pearson correlation coefficients of the rows of `x`."""
    return jnp.corrcoef(to_float(x))


@op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of `y` along `axis` by the trapezoidal rule."""
    return jnp.trapezoid(to_float(y), x=x, dx=dx, axis=axis)


@op
def unravel_index(indices, shape):
    """A tuple of coordinate arrays for flat `indices` into an array of `shape`."""
    return tuple(jnp.unravel_index(indices, tuple(shape)))


@op
def view(x, dtype=None):
    """The same bytes seen as `dtype` (the last axis scales with the item size)."""
    x = jnp.asarray(x)
    return x if dtype is None else x.view(standardize_dtype(dtype))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """`jax.numpy.vectorize`: turn a function of scalars (or core shapes) into one that
    broadcasts. Not an op: it returns a function."""
    return jnp.vectorize(pyfunc, excluded=excluded or frozenset(), signature=signature)
