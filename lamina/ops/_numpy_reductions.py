"""NumPy reductions: sums, extrema, statistics, arg-reductions, quantiles and cumulative ops."""

import jax.numpy as jnp

from lamina.backend import config
from lamina.ops import _util
from lamina.ops._util import axis_arg as _axis, dtype_or_none, to_float
from lamina.ops.dispatch import op


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
