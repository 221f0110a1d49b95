"""Element-wise NumPy ops: arithmetic, exp/log, trigonometry, rounding, comparisons, logic, bits."""

import jax.numpy as jnp

from lamina.backend import config
from lamina.ops import _util
from lamina.ops._util import to_float
from lamina.ops.dispatch import op
from lamina.ops._numpy_sorting import nonzero

# Table-driven: each line below the factories makes one public `@op` function.


def _keep(name, jfn, doc):
    """One-argument op that keeps jax.numpy's output dtype."""
    return _util.make_op(name, lambda x: jfn(jnp.asarray(x)), doc, __name__)


def _floating(name, jfn, doc):
    """One-argument op whose integer/bool inputs are first cast to floatx()."""
    return _util.make_op(name, lambda x: jfn(to_float(x)), doc, __name__)


def _binary(name, jfn, doc, module=__name__):
    """Two-argument op with broadcasting and jax.numpy's type promotion."""
    return _util.make_op(name, lambda x1, x2: jfn(x1, x2), doc, module)


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
