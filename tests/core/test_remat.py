"""keras.remat / keras.RematScope: same values and gradients as without, with the
backward pass recomputing (a `remat` primitive in the gradient's jaxpr)."""

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

X = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")


def _f(x, scale=2.0):
    return jnp.sum(jnp.sin(x) * scale) ** 2


def _remats(fn, *args):
    return "remat" in str(jax.make_jaxpr(jax.grad(fn))(*args))  # the checkpoint primitive


def test_remat_function_matches_keras_and_plain():
    ours, theirs = lamina.remat(_f), keras.remat(_f)
    np.testing.assert_allclose(ours(X), theirs(X), rtol=1e-6)
    np.testing.assert_allclose(jax.grad(ours)(X), jax.grad(_f)(X), rtol=1e-6)
    assert _remats(ours, X) and not _remats(_f, X)
    # A non-array argument is static, not traced.
    np.testing.assert_allclose(ours(X, scale=3.0), _f(X, scale=3.0), rtol=1e-6)


def _layer_grad(layer):
    return lambda x: jnp.sum(layer(x) ** 2)


@pytest.mark.parametrize("scope,remat_names", [
    ({"mode": "full"}, {"a", "b"}),
    ({"mode": "list_of_layers", "layer_names": ["b"]}, {"b"}),
    ({"mode": "larger_than", "output_size_threshold": 4 * 10}, {"a"}),  # a: 4x16, b: 4x2
    ({"mode": None}, set()),
])
def test_scope_modes(scope, remat_names):
    with lamina.RematScope(**scope):
        a = lamina.layers.Dense(16, name="a")
        b = lamina.layers.Dense(2, name="b")
    plain_a = lamina.layers.Dense(16, name="pa")
    for layer, plain in ((a, plain_a),):
        layer.build((None, 8))
        plain.build((None, 8))
        plain.set_weights(layer.get_weights())
    b.build((None, 8))
    assert _remats(_layer_grad(a), X) == ("a" in remat_names)
    assert _remats(_layer_grad(b), X) == ("b" in remat_names)
    np.testing.assert_allclose(jax.grad(_layer_grad(a))(X), jax.grad(_layer_grad(plain_a))(X),
                               rtol=1e-6)


def test_activations_mode_only_wraps_activations():
    with lamina.RematScope(mode="activations"):
        with_act = lamina.layers.Dense(4, activation="tanh")
        without = lamina.layers.LayerNormalization()  # no `activation` attribute
    with_act.build((None, 8))
    without.build((None, 8))
    assert _remats(_layer_grad(with_act), X)
    assert not _remats(_layer_grad(without), X)
    assert with_act.activation is lamina.activations.get("tanh")  # restored after the call


@pytest.mark.slow
def test_fit_in_scope_matches_plain_fit():
    def run(scope):
        lamina.utils.set_random_seed(1)
        with lamina.RematScope(mode=scope):
            model = lamina.Sequential([lamina.Input((8,)), lamina.layers.Dense(16, "relu"),
                                       lamina.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, X[:, :1], batch_size=2, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()

    for a, b in zip(run("full"), run(None)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_scopes_nest_and_bad_mode():
    from lamina.core.remat import get_current_remat_mode

    assert get_current_remat_mode() is None
    with lamina.RematScope("full"):
        with lamina.RematScope("larger_than", output_size_threshold=7):
            inner = lamina.layers.Dense(2)
        outer = lamina.layers.Dense(2)
    assert inner._remat_mode.mode == "larger_than" and inner._remat_mode.output_size_threshold == 7
    assert outer._remat_mode.mode == "full"
    assert not hasattr(lamina.layers.Dense(2), "_remat_mode")
    with pytest.raises(ValueError, match="Invalid mode 'some'"):
        lamina.RematScope("some")
    with pytest.raises(ValueError, match="Invalid mode 'some'"):
        keras.RematScope("some")
