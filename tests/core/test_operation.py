"""keras.Operation subclasses compute on arrays and build graphs on KerasTensors, as in
Keras 3; keras.SymbolicScope marks shape inference."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

X = np.arange(6, dtype="float32").reshape(2, 3)


def define(k):
    class ScaledSum(k.Operation):
        def __init__(self, scale=2.0, name=None):
            super().__init__(name=name)
            self.scale = scale

        def call(self, x):
            return k.ops.sum(x, axis=-1) * self.scale

    class Halve(k.Operation):
        def call(self, x):
            return x / 2

        def compute_output_spec(self, x):
            return k.KerasTensor(x.shape, dtype=x.dtype)

    return ScaledSum, Halve


def test_eager_and_symbolic_like_keras():
    results = []
    for k in (keras, lamina):
        scaled_sum, halve = define(k)
        op = scaled_sum(scale=3.0)
        eager = np.asarray(op(X))
        inputs = k.Input((3,))
        out = scaled_sum()(halve()(inputs))
        model = k.Model(inputs, out)
        results.append((op.name, eager, tuple(out.shape), np.asarray(model.predict(X, verbose=0))))
    (kn, ke, ks, kp), (ln, le, ls, lp) = results
    assert ln == kn == "scaled_sum"
    np.testing.assert_allclose(le, ke)
    assert ls == ks == (None,)
    np.testing.assert_allclose(lp, kp)


def test_layers_are_operations_and_bad_names():
    assert isinstance(lamina.layers.Dense(2), lamina.Operation)
    assert isinstance(keras.layers.Dense(2), keras.Operation)
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        define(lamina)[0](name="a/b")

    class NoCall(lamina.Operation):
        pass

    with pytest.raises(TypeError, match="NoCall must define `call"):
        NoCall()(X)


def test_symbolic_scope_is_entered_during_shape_inference():
    from lamina.core.symbolic_scope import in_symbolic_scope

    seen = []

    class Probe(lamina.layers.Layer):
        def call(self, x):
            seen.append(in_symbolic_scope())
            return x

    layer = Probe()
    layer(lamina.Input((3,)))
    layer(X)
    assert seen[0] is True and seen[-1] is False
    with lamina.SymbolicScope():
        assert in_symbolic_scope()
    assert not in_symbolic_scope()
