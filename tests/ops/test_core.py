"""lamina.ops.core against keras.ops on the same inputs, under jit, with Variables; plus
the non-op helpers (shape, dtype, ...) and control flow inside jit and grad."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randint, randn

import lamina.ops as ops
from lamina.core.keras_tensor import KerasTensor
from lamina.core.variable import Variable

A = randn(3, 4)
I = randint(-300, 300, 3, 4)  # noqa: E741
BIG = np.array([-1e10, -3.5, 0.0, 2.7, 1e10, np.nan], "float32")

CASES = [
    case("cast", A, "int32"), case("cast", I, "float16"), case("cast", A, "bool"),
    case("cast", I, np.float32),
    case("convert_to_tensor", A), case("convert_to_tensor", I, "float32"),
    case("convert_to_tensor", [[1.0, 2.0]], variable=False),
    case("convert_to_tensor", [1, 2], variable=False),
    case("convert_to_tensor", A, dtype="bfloat16"),
    case("saturate_cast", I, "int8"), case("saturate_cast", I, "uint8"),
    case("saturate_cast", BIG[:5], "int32"), case("saturate_cast", BIG[:5], "uint8"),
    case("saturate_cast", BIG, "float16"),
    case("stop_gradient", A),
    case("slice", A, (1, 0), (2, 3)), case("slice", A, np.array([0, 1], "int32"), (2, 2),
                                           variable=False),
    case("slice_update", A, (1, 1), np.ones((2, 2), "float32")),
    case("scatter", np.array([[0, 1], [2, 3], [0, 1]], "int32"), np.array([1.0, 2.0, 3.0], "float32"),
         (3, 4), variable=False),
    case("scatter", np.array([[1], [0]], "int32"), randn(2, 4), (3, 4), variable=False),
    case("scatter_update", A, np.array([[0, 1], [2, 3]], "int32"), np.array([5.0, 6.0], "float32")),
    case("scatter_update", A, np.array([[0], [2]], "int32"), randn(2, 4)),
    case("scatter_update", A, np.array([[0, 1], [0, 1]], "int32"), np.array([5.0, 6.0], "float32"),
         reduction="add"),
    case("scatter_update", A, np.array([[0, 1]], "int32"), np.array([9.0], "float32"),
         reduction="max"),
    case("unstack", A), case("unstack", A, axis=1), case("unstack", A, 3),
    case("cond", True, lambda: A, lambda: A * 2, variable=False),
    case("cond", A.sum() > 0, lambda: 1.0, lambda: 2.0, variable=False),
    case("switch", 1, [lambda x: x + 1, lambda x: x * 3], A),
    case("while_loop", lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (0, A), variable=False),
    case("while_loop", lambda x: x[0, 0] < 100.0, lambda x: x + 7.0, A, variable=False),
    case("while_loop", lambda i, x: i < 10, lambda i, x: (i + 1, x + 1.0), [0, A],
         maximum_iterations=4, variable=False),
    case("fori_loop", 0, 4, lambda i, x: x + i, A),
    case("scan", lambda c, x: (c + x, c * x), np.zeros(4, "float32"), A),
    case("scan", lambda c, x: (c + x, c), np.zeros(4, "float32"), A, reverse=True),
    case("scan", lambda c, _: (c * 2, c), np.ones(2, "float32"), None, length=3, variable=False),
    case("associative_scan", lambda a, b: a + b, A),
    case("associative_scan", lambda a, b: a * b, A, reverse=True, axis=1),
    case("map", lambda x: x.sum(), A), case("vectorized_map", lambda x: x @ x, A),
    case("vectorized_map", lambda xs: xs[0] * xs[1], (A, A), variable=False),
    case("getitem", A, 1, keras_name="get_item"),
    case("getitem", A, (slice(None), [0, 2]), keras_name="get_item"),
    case("getitem", A, (None, Ellipsis, -1), keras_name="get_item"),
    case("rearrange", randn(2, 3, 4, 5), "b h w c -> b c h w"),
    case("rearrange", randn(2, 3, 4, 5), "b h w c -> (b h) w c"),
    case("rearrange", randn(2, 3, 4, 5), "b h w c -> b (c h w)"),
    case("rearrange", randn(2, 12, 5), "b (h w) c -> b h w c", h=3),
    case("rearrange", randn(6, 4), "(a b) c -> c (b a)", a=2),
]

test_matches_keras = comparison_test(CASES)


def test_shape_is_a_tuple_of_ints_even_under_jit():
    assert ops.shape(A) == (3, 4)
    assert all(type(d) is int for d in ops.shape(A))
    seen = []
    jax.jit(lambda x: seen.append(ops.shape(x)) or x)(A)
    assert seen == [(3, 4)]
    assert ops.shape(Variable(A)) == (3, 4)
    assert ops.shape(KerasTensor((None, 4))) == (None, 4)
    assert ops.shape(2.0) == ()


def test_dtype_is_tensor_convert_to_numpy():
    assert ops.dtype(A) == "float32" and ops.dtype(I) == "int32"
    assert ops.dtype(Variable(A)) == "float32" and ops.dtype(KerasTensor((2,), "int32")) == "int32"
    assert ops.dtype(1.5) == "float32"
    assert ops.is_tensor(jnp.ones(2)) and not ops.is_tensor(A) and not ops.is_tensor(1.0)
    out = ops.convert_to_numpy(jnp.ones(2))
    assert isinstance(out, np.ndarray)
    assert isinstance(ops.convert_to_numpy(Variable(A)), np.ndarray)
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(KerasTensor((None, 2)))


def test_convert_to_tensor_floats_use_floatx_and_rejects_sparse_and_ragged():
    assert ops.convert_to_tensor(1.0).dtype == "float32"
    assert ops.convert_to_tensor(3).dtype == "int32"
    assert ops.convert_to_tensor([1, 2.5]).dtype == "float32"
    assert ops.convert_to_tensor(A, dtype="int64").dtype == "int32"  # no x64 in jax
    assert_same(ops.convert_to_tensor(Variable(A)), A)
    with pytest.raises(ValueError, match="sparse"):
        ops.convert_to_tensor(A, sparse=True)
    with pytest.raises(ValueError, match="ragged"):
        ops.convert_to_tensor(A, ragged=True)


def test_scatter_update_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="reduction"):
        ops.scatter_update(A, [[0, 0]], [1.0], reduction="median")


def test_stop_gradient_blocks_gradients():
    grad = jax.grad(lambda x: ops.sum(x * ops.stop_gradient(x)))(A)
    assert_same(grad, A)


def test_custom_gradient():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.clip(upstream, -0.5, 0.5)

        return x, grad

    assert getattr(clipped_identity, "__lamina_op__", False)
    g = jax.grad(lambda x: ops.sum(clipped_identity(x) * 3.0))(A)
    assert_same(g, np.full_like(A, 0.5))
    assert_same(clipped_identity(Variable(A)), A)


def test_variables_inside_control_flow_and_jit():
    v = Variable(np.zeros((2,), "float32"))
    out = jax.jit(lambda: ops.fori_loop(0, 3, lambda i, x: x + v + 1.0, ops.zeros((2,))))()
    assert_same(out, np.full((2,), 3.0, "float32"))


def test_rearrange_rejects_bad_patterns():
    for pattern, lengths in [("a b -> a", {}), ("a b c -> a b c", {}), ("a (b -> a b", {}),
                             ("(a b) c -> a b c", {}), ("a b -> b a ...", {}),
                             ("(a b) c -> a b c", {"a": 5})]:
        with pytest.raises(ValueError, match="rearrange"):
            ops.rearrange(A, pattern, **lengths)


def test_getitem_records_on_keras_tensors():
    x = KerasTensor((None, 4, 5))
    assert x[:, 1].shape == (None, 5)
    assert ops.getitem(x, (Ellipsis, 0)).shape == (None, 4)
