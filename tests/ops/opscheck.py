"""Shared helpers for the ops tests: run each op in lamina and in Keras 3 (JAX backend) on
the same inputs and compare values and dtypes.

XLA compiles every new (primitive, shape) pair once, which makes eager op-by-op tests
slow on this 2-core machine. So a table of cases is run as one `jax.jit` per library:
Keras's ops, lamina's ops, and lamina's ops with a `Variable` in place of the first
array argument all trace in a single function each. That checks every op under `jit`
and with Variables at the cost of two compilations, which run side by side. Cases marked `jit=False` (ops
whose output shape depends on values) run eagerly instead.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import collections  # noqa: E402
import concurrent.futures  # noqa: E402

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lamina.ops  # noqa: E402
from lamina.core.variable import Variable  # noqa: E402

_rng = np.random.default_rng(1234)


def randn(*shape, dtype="float32"):
    return _rng.standard_normal(shape).astype(dtype)


def uniform(lo, hi, *shape, dtype="float32"):
    return _rng.uniform(lo, hi, shape).astype(dtype)


def randint(lo, hi, *shape, dtype="int32"):
    return _rng.integers(lo, hi, shape).astype(dtype)


_FAST_COMPILE = {"xla_backend_optimization_level": 0}

Case = collections.namedtuple("Case", "name args kwargs options")


def case(name, *args, module=None, rtol=1e-5, atol=1e-6, jit=True, variable=True,
         check_dtype=True, keras_name=None, **kwargs):
    """One comparison: `lamina.ops[.module].name(*args, **kwargs)` against Keras's.

    jit=False runs the case eagerly (for value-dependent output shapes).
    variable=False skips the Variable check (e.g. when the first array is an index).
    """
    return Case(name, args, kwargs, dict(module=module, rtol=rtol, atol=atol, jit=jit,
                                         variable=variable, check_dtype=check_dtype,
                                         keras_name=keras_name or name))


def _resolve(root, module, name):
    return getattr(getattr(root, module) if module else root, name)


def _leaves(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def assert_same(got, expected, rtol=1e-5, atol=1e-6, check_dtype=True):
    """Same structure, shapes, dtypes (unless check_dtype=False) and values."""
    got_leaves, expected_leaves = _leaves(got), _leaves(expected)
    assert len(got_leaves) == len(expected_leaves), (got, expected)
    for g, e in zip(got_leaves, expected_leaves):
        g_arr, e_arr = np.asarray(g), np.asarray(e)
        assert g_arr.shape == e_arr.shape, (g_arr.shape, e_arr.shape)
        if check_dtype and hasattr(e, "dtype"):
            assert str(g_arr.dtype) == str(e_arr.dtype), (g_arr.dtype, e_arr.dtype)
        if e_arr.dtype.kind in "fc":
            np.testing.assert_allclose(g_arr.astype(e_arr.dtype), e_arr, rtol=rtol, atol=atol,
                                       equal_nan=True)
        else:
            np.testing.assert_array_equal(g_arr, e_arr)


def _with_variable(args):
    """`args` with its first ndarray replaced by a Variable holding it (or None)."""
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            return args[:i] + (Variable(a, trainable=False),) + args[i + 1:]
    return None


def _keras_fn(c):
    return _resolve(keras.ops, c.options["module"], c.options["keras_name"])


def _lamina_fn(c):
    return _resolve(lamina.ops, c.options["module"], c.name)


def _lower_batch(cases, call):
    """Trace `call(case, args)` for every case inside one jitted function and lower it.

    Returns (lowered, input values, {index: exception raised while tracing}).
    """
    slots = [(c, i) for c, item in enumerate(cases) for i, a in enumerate(item.args)
             if isinstance(a, np.ndarray)]
    errors = {}

    def run(values):
        args = [list(item.args) for item in cases]
        for (c, i), v in zip(slots, values):
            args[c][i] = v
        outputs = []
        for c, item in enumerate(cases):
            try:
                outputs.append(call(item, tuple(args[c])))
            except Exception as e:  # reported by the case's own test
                errors[c] = e
                outputs.append(None)
        return outputs

    values = [cases[c].args[i] for c, i in slots]
    return jax.jit(run).lower(values), values, errors


def _run_batches(*batches):
    """Compile lowered batches side by side (XLA compiles without holding the GIL) and
    run them: [({index: output}, {index: error}), ...]."""
    # XLA's backend optimizations cost a third of the compile time and change no result
    # a test could see at these tolerances.
    with concurrent.futures.ThreadPoolExecutor(len(batches)) as pool:
        compiled = list(pool.map(lambda b: b[0].compile(_FAST_COMPILE), batches))
    return [(dict(enumerate(run(values))), errors)
            for run, (_, values, errors) in zip(compiled, batches)]


def _lamina_call(c, args, variable_args):
    """(output, output with a Variable argument or None). The Variable holds the concrete
    input, so both calls see the same values."""
    fn = _lamina_fn(c)
    with_variable = None if variable_args is None else fn(*variable_args, **c.kwargs)
    return fn(*args, **c.kwargs), with_variable


def _variable_args(c):
    # Made outside any trace: a Variable cannot be created inside `jit`.
    return _with_variable(c.args) if c.options["variable"] else None


def comparison_test(cases):
    """A parametrized pytest function comparing every case with Keras (see module doc)."""
    jitted = [c for c in cases if c.options["jit"]]
    cache = {}

    def results():
        if not cache:
            variables = {id(c): _variable_args(c) for c in jitted}
            cache["keras"], cache["lamina"] = _run_batches(
                _lower_batch(jitted, lambda c, a: _keras_fn(c)(*a, **c.kwargs)),
                _lower_batch(jitted, lambda c, a: _lamina_call(c, a, variables[id(c)])))
        return cache

    position = {id(c): i for i, c in enumerate(jitted)}
    counts = collections.Counter()
    ids = []
    for c in cases:
        ids.append(f"{c.name}{counts[c.name] or ''}")
        counts[c.name] += 1

    @pytest.mark.parametrize("item", cases, ids=ids)
    def test_matches_keras(item):
        assert getattr(_lamina_fn(item), "__lamina_op__", False), "not decorated with @op"
        tol = dict(rtol=item.options["rtol"], atol=item.options["atol"])
        if item.options["jit"]:
            i = position[id(item)]
            (keras_out, keras_err), (ours, our_err) = results()["keras"], results()["lamina"]
            if i in our_err:
                raise our_err[i]
            got, with_variable = ours[i]
            # Some Keras ops do not trace (e.g. bincount); take their eager result then.
            expected = keras_out[i] if i not in keras_err else _keras_fn(item)(
                *item.args, **item.kwargs)
        else:
            expected = _keras_fn(item)(*item.args, **item.kwargs)
            got, with_variable = _lamina_call(item, item.args, _variable_args(item))
        assert_same(got, expected, check_dtype=item.options["check_dtype"], **tol)
        if with_variable is not None:
            assert_same(with_variable, got, **tol)

    return test_matches_keras
