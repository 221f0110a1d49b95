"""lamina.ops.numpy against keras.ops on the same inputs (values and dtypes), under jit,
and with Variable arguments."""

import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randint, randn, uniform

import lamina.ops as ops
from lamina.core.keras_tensor import KerasTensor

A = randn(3, 4)
B = randn(3, 4)
C = randn(4, 5)
V = randn(6)
P = uniform(0.5, 2.0, 3, 4)  # positive
U = uniform(-0.9, 0.9, 3, 4)  # inside (-1, 1)
BIG = uniform(1.1, 3.0, 3, 4)  # > 1
I = randint(-5, 6, 3, 4)  # noqa: E741
IP = randint(1, 6, 3, 4)
BOOL = randn(3, 4) > 0
BOOL2 = randn(3, 4) > 0
H = randn(3, 4, dtype="float16")
SQ = randn(4, 4)
NANS = np.array([[1.0, np.nan, 3.0], [np.inf, -np.inf, 2.0]], "float32")
CUBE = randn(2, 3, 4)

UNARY_ANY = ["abs", "absolute", "negative", "square", "sign", "trunc", "conj", "conjugate",
             "real", "imag", "copy", "ravel", "floor", "ceil", "fabs", "exp", "exp2", "expm1",
             "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh", "arcsinh", "deg2rad",
             "rad2deg", "sinc", "i0", "isnan", "isinf", "isfinite", "isneginf", "isposinf",
             "signbit", "isreal", "logical_not", "angle", "cbrt"]
UNARY_POS = ["sqrt", "log", "log2", "log10", "log1p", "reciprocal"]
UNARY_UNIT = ["arcsin", "arccos", "arctanh"]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
          "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
          "logical_and", "logical_or", "logical_xor", "arctan2", "hypot", "logaddexp",
          "logaddexp2", "fmax", "fmin", "heaviside", "nextafter", "divide_no_nan"]
REDUCTIONS = ["sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "all", "any",
              "median", "nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar",
              "nanmedian", "ptp"]

CASES = (
    [case(n, A) for n in UNARY_ANY]
    + [case(n, I) for n in ["abs", "square", "floor", "sqrt", "sin", "isnan"]]
    + [case(n, H, rtol=1e-3, atol=1e-3) for n in ["exp", "abs", "floor"]]
    + [case(n, P) for n in UNARY_POS]
    + [case(n, U) for n in UNARY_UNIT]
    + [case("arccosh", BIG)]
    + [case(n, NANS) for n in ["isnan", "isinf", "isfinite", "isneginf", "isposinf",
                               "nan_to_num"]]
    + [case(n, A, B) for n in BINARY]
    + [case(n, A, 2.5) for n in ["add", "power"]]
    + [case(n, I, 2) for n in ["add", "floor_divide", "power"]]
    + [case(n, I, 2.5) for n in ["multiply", "divide"]]
    + [case(n, I, IP) for n in ["floor_divide", "mod", "fmod", "gcd", "lcm", "bitwise_and",
                                "bitwise_or", "bitwise_xor", "divide", "left_shift",
                                "right_shift", "bitwise_left_shift", "bitwise_right_shift",
                                "add", "divide_no_nan"]]
    + [case(n, I) for n in ["bitwise_not", "bitwise_invert"]]
    + [case(n, BOOL, BOOL2) for n in ["logical_and", "logical_or", "logical_xor",
                                      "bitwise_and", "equal"]]
    + [case(n, P, A) for n in ["power", "floor_divide", "mod", "fmod"]]
    + [case("ldexp", A, IP)]
    + [case(n, A, axis=ax, keepdims=kd) for n in REDUCTIONS
       for ax, kd in [(None, False), (1, True)]]
    + [case(n, A, axis=(0, 1)) for n in ["sum", "mean", "max", "std", "median"]]
    + [case(n, I) for n in ["sum", "mean", "prod", "max", "var", "median"]]
    + [case(n, BOOL) for n in ["sum", "any", "all", "mean"]]
    + [case("mean", H, axis=0, rtol=1e-3, atol=1e-3)]
    + [case("max", A, axis=1, initial=0.5), case("min", A, initial=-0.1)]
    + [case("prod", IP, axis=0, dtype="float32")]
    + [case(n, A, axis=ax, keepdims=kd) for n in ["argmax", "argmin", "nanargmax", "nanargmin"]
       for ax, kd in [(None, False), (1, True)]]
    + [case("count_nonzero", I), case("count_nonzero", I, axis=1),
       case("count_nonzero", I, axis=(0, 1))]
    + [case(n, A, 0.3, axis=ax, keepdims=kd) for n in ["quantile", "nanquantile"]
       for ax, kd in [(None, False), (1, True)]]
    + [case(n, A, 30.0, axis=1) for n in ["percentile", "nanpercentile"]]
    + [case("quantile", A, np.array([0.1, 0.9], "float32"), axis=0, method="nearest")]
    + [case("average", A), case("average", A, axis=1, weights=np.arange(1.0, 5.0, dtype="float32")),
       case("average", I, axis=0)]
    + [case(n, A, axis=ax) for n in ["cumsum", "cumprod"] for ax in (None, 1)]
    + [case(n, NANS, axis=1) for n in ["nancumsum", "nancumprod"]]
    + [case("cumsum", BOOL, axis=0), case("cumsum", I, axis=1, dtype="float32")]
    # creation
    + [case(n, (2, 3), variable=False) for n in ["zeros", "ones", "empty"]]
    + [case(n, (2, 3), dtype="int32", variable=False) for n in ["zeros", "ones"]]
    + [case("full", (2, 3), 7, variable=False), case("full", (2,), 1.5, dtype="int32")]
    + [case(n, A) for n in ["zeros_like", "ones_like", "empty_like"]]
    + [case("zeros_like", I, dtype="float32"), case("full_like", A, 2.0),
       case("full_like", I, 2.5), case("full_like", A, 3, dtype="int32")]
    + [case("arange", 5), case("arange", 1, 7, 2), case("arange", 0.5, 3.0),
       case("arange", 2, 10, 3, dtype="float32"), case("arange", 0, 1, 0.25)]
    + [case("linspace", 0, 1), case("linspace", 0.0, 2.0, 5, endpoint=False),
       case("linspace", 0, 10, 4, retstep=True), case("linspace", 0, 10, 6, dtype="int32")]
    + [case("logspace", 0, 2, 5), case("geomspace", 1, 1000, 4)]
    + [case("eye", 3), case("eye", 3, 4, 1), case("eye", 2, dtype="int32"),
       case("identity", 3), case("tri", 3), case("tri", 3, 4, k=-1)]
    + [case("array", [[1, 2], [3, 4]], variable=False),
       case("array", [1.0, 2.0], variable=False), case("array", A, dtype="float16")]
    + [case(n, 5) for n in ["bartlett", "blackman", "hamming", "hanning"]]
    + [case("kaiser", 6, 3.0, rtol=1e-5)]
    + [case("meshgrid", V[:3], V[:2], variable=False),
       case("meshgrid", V[:3], V[:2], indexing="ij", variable=False)]
    # shapes
    + [case("reshape", A, (4, 3)), case("reshape", A, (-1,)), case("reshape", A, [2, -1])]
    + [case("transpose", CUBE), case("transpose", CUBE, (1, 0, 2)),
       case("expand_dims", A, 0), case("expand_dims", A, -1), case("expand_dims", A, (0, 2)),
       case("squeeze", A[None]), case("squeeze", A[:, None], axis=1),
       case("broadcast_to", V, (2, 6)), case("moveaxis", CUBE, 0, -1),
       case("moveaxis", CUBE, [0, 1], [2, 0]), case("swapaxes", CUBE, 0, 2)]
    + [case("concatenate", [A, B], variable=False),
       case("concatenate", [A, B], axis=1, variable=False),
       case("concatenate", [A, B], axis=None, variable=False),
       case("stack", [A, B], variable=False), case("stack", [A, B], axis=-1, variable=False),
       case("append", A, B), case("append", A, B, axis=1),
       case("vstack", [A, B], variable=False), case("hstack", [A, B], variable=False),
       case("dstack", [A, B], variable=False)]
    + [case("split", A, 2, axis=1), case("split", A, [1, 2]), case("array_split", V, 4),
       case("hsplit", A, 2), case("vsplit", CUBE[:2], 2), case("dsplit", CUBE, 2)]
    + [case("tile", A, 2), case("tile", A, (2, 1)), case("repeat", A, 2),
       case("repeat", A, 3, axis=1), case("repeat", A, np.array([1, 2, 0]), axis=0, jit=False)]
    + [case("flip", A), case("flip", A, axis=1), case("flip", CUBE, axis=(0, 2)),
       case("fliplr", A), case("flipud", A), case("roll", A, 2), case("roll", A, -1, axis=1),
       case("roll", A, (1, 2), axis=(0, 1)), case("rot90", A), case("rot90", CUBE, 2, (1, 2))]
    + [case("pad", A, 1), case("pad", A, ((1, 0), (0, 2))),
       case("pad", A, ((1, 1), (2, 2)), mode="reflect"),
       case("pad", A, ((1, 1), (2, 2)), mode="symmetric"),
       case("pad", A, ((1, 1), (2, 2)), mode="edge"),
       case("pad", A, ((1, 1), (2, 2)), mode="wrap"),
       case("pad", A, ((1, 1), (0, 1)), constant_values=3.0)]
    + [case("take", A, np.array([0, 2, -1], "int32")),
       case("take", A, np.array([[0, 1], [3, -1]], "int32"), axis=1),
       case("take", A, 1, axis=0),
       case("take_along_axis", A, np.argsort(A, axis=1).astype("int32"), axis=1),
       case("take_along_axis", A, np.array([[0], [2]], "int32"), axis=0),
       case("take_along_axis", A, np.array([0, 5, 11], "int32"), axis=None)]
    # matrices
    + [case("matmul", A, C), case("matmul", CUBE, C), case("matmul", V[:4], C),
       case("matmul", randint(-3, 3, 2, 3, dtype="int8"), randint(-3, 3, 3, 2, dtype="int8")),
       case("dot", A, C), case("dot", V, V), case("tensordot", A, C, axes=1),
       case("tensordot", CUBE, randn(3, 4, 2), axes=2),
       case("tensordot", CUBE, A, axes=([1, 2], [0, 1])),
       case("einsum", "ij,jk->ik", A, C, variable=False), case("einsum", "ij->j", A),
       case("outer", V[:3], V), case("inner", A, B), case("vdot", A, B), case("kron", A, SQ[:2, :2]),
       case("cross", randn(4, 3), randn(4, 3)), case("trace", SQ), case("trace", CUBE, 1, 1, 2),
       case("diag", SQ), case("diag", V, 1), case("diagflat", A[:2, :2]),
       case("diagonal", SQ), case("diagonal", CUBE, 1, 1, 2), case("tril", SQ),
       case("tril", CUBE, -1), case("triu", SQ, 1), case("vander", V[:4]),
       case("vander", V[:4], 3, increasing=True), case("slogdet", SQ, rtol=1e-4)]
    # elementwise with options
    + [case("round", A * 10), case("round", A, 2), case("round", I), case("clip", A, -0.5, 0.5),
       case("clip", I, -1, 3), case("clip", BOOL, 0, 1), case("where", BOOL, A, B),
       case("where", BOOL, A, 0.0), case("where", A > 0, I, IP),
       case("where", BOOL, jit=False), case("select", [BOOL, BOOL2], [A, B], variable=False),
       case("select", [A > 0], [A], -1.0, variable=False),
       case("isclose", A, A + 1e-7), case("isclose", NANS, NANS, equal_nan=True),
       case("allclose", A, A + 1e-9), case("allclose", A, B),
       case("isin", I, np.array([1, 2, 3], "int32")), case("isin", I, IP, invert=True),
       case("nan_to_num", NANS, nan=1.0, posinf=9.0, neginf=-9.0)]
    # sorting, searching, counting
    + [case("sort", A), case("sort", A, axis=0), case("sort", A, axis=None), case("argsort", A),
       case("argsort", A, axis=0), case("argsort", A, axis=None),
       case("argpartition", V, 2), case("searchsorted", np.sort(V), A),
       case("searchsorted", np.sort(V), A, side="right"),
       case("digitize", A, np.array([-1.0, 0.0, 1.0], "float32")),
       case("nonzero", I, jit=False), case("unique", I, jit=False),
       case("unique", I, return_counts=True, return_inverse=True, jit=False),
       case("unique", I, size=12, fill_value=-1),
       case("bincount", randint(0, 5, 10), jit=False),
       case("bincount", randint(0, 5, 10), minlength=8),
       case("bincount", randint(0, 5, 10), weights=randn(10), jit=False),
       case("bincount", randint(0, 5, 2, 6), minlength=6),
       case("histogram", V, variable=False, jit=False),
       case("histogram", V, bins=3, range=(-1.0, 1.0)),
       case("diff", A), case("diff", A, 2, axis=0),
       case("correlate", V, V[:3]), case("correlate", V, V[:3], mode="full"),
       case("correlate", V, V[:3], mode="same"), case("corrcoef", A, rtol=1e-4),
       case("trapezoid", A), case("trapezoid", A, dx=0.5, axis=0),
       case("trapezoid", V, np.arange(6.0).astype("float32")),
       case("unravel_index", np.array([1, 5, 11], "int32"), (3, 4)),
       case("view", A, "int32"), case("view", I, "float32"), case("size", A),
       case("get_item", A, 1), case("get_item", A, (slice(1, None), 2)),
       case("get_item", A, (Ellipsis, None, 0)),
       case("get_item", A, np.array([True, False, True]), jit=False)]
)


test_matches_keras = comparison_test(CASES)


def test_eager_matches_jit():
    """The table runs under jit; a few ops run eagerly too (same code path)."""
    import jax

    for fn, args in [(ops.add, (A, B)), (ops.sum, (A,)), (ops.matmul, (A, C)),
                     (ops.where, (BOOL, A, B)), (ops.take, (A, np.array([1, -1])))]:
        assert_same(fn(*args), jax.jit(fn)(*args))


def test_ndim_is_a_plain_int():
    assert ops.ndim(A) == 2 and isinstance(ops.ndim(A), int)
    assert ops.ndim(KerasTensor((None, 3, 2))) == 3


def test_float_dtype_follows_floatx():
    from lamina.backend import config

    old = config.floatx()
    config.set_floatx("float16")
    try:
        assert ops.zeros((2,)).dtype == "float16"
        assert ops.sqrt(np.array([4], "int32")).dtype == "float16"
        assert ops.mean(np.array([1, 2], "int32")).dtype == "float16"
        assert ops.arange(0.0, 1.0, 0.5).dtype == "float16"
    finally:
        config.set_floatx(old)


def test_errors_are_value_errors():
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(A, 1, mode="reflect", constant_values=1.0)
    with pytest.raises(ValueError, match="sparse"):
        ops.bincount(np.array([1, 2]), sparse=True)
    with pytest.raises(ValueError, match="both"):
        ops.where(BOOL, A)
    with pytest.raises(ValueError, match="minlength"):
        import jax

        jax.jit(ops.bincount)(np.array([1, 2]))


def test_keras_tensor_operators_record_ops():
    x = KerasTensor((None, 3))
    for out in (x + 1, 1 - x, x * x, x / 2, x // 2, x % 2, x ** 2, -x, abs(x), x < 1,
                x <= 1, x > 1, x >= 1, (x > 0) & (x < 1), (x > 0) | (x < 1), ~(x > 0),
                x.T, x.reshape((3, -1)), x[:, 0]):
        assert isinstance(out, KerasTensor)
    assert (x @ np.ones((3, 2), "float32")).shape == (None, 2)
    assert ops.sum(x, axis=1).shape == (None,)
    assert ops.concatenate([x, x], axis=1).shape == (None, 6)


def test_integer_matmul_accumulates_in_int32():
    a = np.full((2, 64), 100, "int8")
    assert_same(ops.matmul(a, a.T), np.full((2, 2), 640000, "int32"))
