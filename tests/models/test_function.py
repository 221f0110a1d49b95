"""keras.Function: a graph from symbolic inputs to outputs, run on arrays or symbolically,
with the same operations and results as Keras 3."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

X = np.arange(6, dtype="float32").reshape(2, 3)


def test_function_matches_keras():
    outs = []
    for k in (keras, lamina):
        x = k.Input((3,), name="x")
        y = k.layers.Dense(2, name="d", kernel_initializer="ones")(x)
        z = k.ops.sum(y, axis=1)
        f = k.Function(x, [y, z])
        eager = [np.asarray(t) for t in f(X)]
        symbolic = [tuple(t.shape) for t in f(k.Input((3,)))]
        outs.append((f.name, [op.name for op in f.operations], eager, symbolic))
    (kn, kops, ke, ks), (ln, lops, le, ls) = outs
    assert ln == kn == "function" and lops == kops == ["x", "d", "sum"]
    for a, b in zip(ke, le):
        np.testing.assert_allclose(b, a)
    assert ls == ks == [(None, 2), (None,)]


def test_function_has_no_config():
    x = lamina.Input((3,))
    with pytest.raises(TypeError, match="not serializable"):
        lamina.Function(x, x * 2).get_config()
