import jax
import jax.numpy as jnp
import numpy as np

import lamina as keras
from lamina.layers.dense_matmul import dense_forward


def _plain(x, kernel, bias, activation):
    y = x @ kernel
    return activation(y if bias is None else y + bias)


def test_dense_forward_values_and_gradients_match_the_plain_expression():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3)).astype("float32")
    kernel = rng.normal(size=(3, 4)).astype("float32")
    bias = rng.normal(size=(4,)).astype("float32")
    x[0, :] = 0.0  # a row of zero pre-activations when the bias is None: relu's kink at 0
    for b in (bias, None):
        for act in (keras.activations.relu, keras.activations.softmax, keras.activations.linear):
            np.testing.assert_allclose(np.asarray(dense_forward(x, kernel, b, activation=act)),
                                       np.asarray(_plain(x, kernel, b, act)), rtol=1e-6)
            got = jax.grad(lambda k: jnp.sum(dense_forward(x, k, b, activation=act) ** 2))(kernel)
            want = jax.grad(lambda k: jnp.sum(_plain(x, k, b, act) ** 2))(kernel)
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-6)


def test_same_sized_dense_layers_share_one_trace():
    # 12 Dense(8, relu) layers: the per-layer computation is traced for 2 input shapes only.
    traces = []
    act = keras.activations.relu

    def counting(x):
        traces.append(x.shape)
        return act(x)

    import lamina.layers.core as core

    ids = core._OWN_ACTIVATIONS
    core._OWN_ACTIVATIONS = ids | {id(counting)}
    try:
        model = keras.Sequential([keras.Input((5,))]
                                 + [keras.layers.Dense(8, activation=counting) for _ in range(12)])
        x = jnp.ones((4, 5))
        out = jax.jit(lambda v: model(v))(x)
    finally:
        core._OWN_ACTIVATIONS = ids
    assert len(traces) == 2  # (4, 8) after the first layer and after the others alike
    ref = x
    for layer in model.layers:
        ref = jax.nn.relu(ref @ layer.kernel.value + layer.bias.value)
    np.testing.assert_allclose(np.asarray(out), np.asarray(ref), rtol=1e-6)


def test_a_custom_activation_runs_as_written_each_call():
    # A user's activation is not assumed pure: it runs in each layer's own call.
    calls = []

    def mine(x):
        calls.append(1)
        return x * 2.0

    model = keras.Sequential([keras.Input((3,))]
                             + [keras.layers.Dense(3, activation=mine) for _ in range(4)])
    calls.clear()
    out = model(np.ones((2, 3), "float32"))
    assert len(calls) == 4
    ref = np.ones((2, 3), "float32")
    for layer in model.layers:
        ref = (ref @ layer.kernel.numpy() + layer.bias.numpy()) * 2.0
    np.testing.assert_allclose(np.asarray(out), ref, rtol=1e-5)
