"""LossScaleOptimizer: dynamic scale, skipped steps, config and state layout, vs Keras 3."""

import jax.numpy as jnp
import keras
import numpy as np
import pytest

import lamina

GRADS = [[1, 1, 1], [1, 1, 1], [1, np.inf, 1], [1, 1, 1], [np.nan, 1, 1], [2, 2, 2], [2, 2, 2]]


def _run(lib):
    var = lib.Variable(np.ones(3, "float32"))
    opt = lib.mixed_precision.LossScaleOptimizer(lib.optimizers.SGD(0.1), initial_scale=8.0,
                                                 dynamic_growth_steps=2)
    opt.build([var])
    ov, tv = [v.value for v in opt.variables], [var.value]
    trace = []
    for g in GRADS:
        tv, ov = opt.stateless_apply(ov, [jnp.array(g, "float32")], tv)
        trace.append((np.asarray(tv[0]), [float(np.asarray(x)) for x in ov[:6]]))
    return opt, trace


def test_dynamic_scale_and_skipped_steps_as_keras():
    ours, our_trace = _run(lamina)
    theirs, their_trace = _run(keras)
    assert [v.path for v in ours.keras_variable_layout()] == [v.path for v in theirs.variables]
    for (o_w, o_state), (k_w, k_state) in zip(our_trace, their_trace):
        np.testing.assert_allclose(o_w, k_w, rtol=1e-6)
        assert o_state == k_state  # iteration, lr, step_counter, dynamic_scale, inner's
    # inf at step 3: weights unchanged, scale 16 -> 8; NaN at step 5: 8 -> 4.
    assert our_trace[2][1][3] == 8.0 and np.array_equal(our_trace[2][0], our_trace[1][0])
    assert ours.get_config() == theirs.get_config()


def test_stateful_apply_skips_overflow():
    var = lamina.Variable(np.ones(2, "float32"))
    opt = lamina.mixed_precision.LossScaleOptimizer(lamina.optimizers.SGD(1.0), initial_scale=4.0)
    opt.apply([np.array([np.inf, 1.0], "float32")], [var])
    np.testing.assert_array_equal(var.numpy(), [1.0, 1.0])
    assert float(opt.dynamic_scale.numpy()) == 2.0 and int(opt.iterations.numpy()) == 0
    opt.apply([np.array([2.0, 4.0], "float32")], [var])  # unscaled: [1, 2]
    np.testing.assert_allclose(var.numpy(), [0.0, -1.0])
    assert int(opt.iterations.numpy()) == 1
    assert float(opt.scale_loss(3.0)) == 6.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="does not support arguments: `learning_rate`"):
        lamina.mixed_precision.LossScaleOptimizer(lamina.optimizers.SGD(), learning_rate=1)
    with pytest.raises(TypeError, match="`inner_optimizer` must be an Optimizer"):
        lamina.mixed_precision.LossScaleOptimizer("adam")


@pytest.fixture
def _float16_policy():
    lamina.mixed_precision.set_global_policy("mixed_float16")
    yield
    lamina.mixed_precision.set_global_policy("float32")


def test_mixed_float16_fit_wraps_and_skips_overflowing_step(_float16_policy):
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3)])
    model.compile(lamina.optimizers.SGD(0.01), "mse")
    opt = model.optimizer
    assert isinstance(opt, lamina.mixed_precision.LossScaleOptimizer)
    assert opt.name == "loss_scale_optimizer" and opt.dynamic_scale.numpy() == 32768.0
    x, y = np.ones((8, 4), "float32"), np.ones((8, 3), "float32")
    # Zero weights: the scaled gradients (about 2e4) stay finite in float16.
    model.set_weights([np.zeros((4, 3)), np.zeros(3)])
    model.fit(x, y, batch_size=8, verbose=0)
    assert int(opt.iterations.numpy()) == 1 and float(opt.dynamic_scale.numpy()) == 32768.0
    before = [w.copy() for w in model.get_weights()]
    # A target of 1e3 makes loss * 32768 overflow float16 in the backward pass.
    model.fit(x, np.full((8, 3), 1e3, "float32"), batch_size=8, verbose=0)
    assert float(opt.dynamic_scale.numpy()) == 16384.0 and int(opt.iterations.numpy()) == 1
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model(x).dtype == "float16" and model.layers[0].kernel.dtype == "float32"
    # auto_scale_loss=False leaves the optimizer alone, as in Keras.
    model.compile(lamina.optimizers.SGD(0.01), "mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, lamina.optimizers.SGD)


def test_loss_scale_optimizer_state_round_trips_through_keras(tmp_path, _float16_policy):
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3)])
    model.compile("adam", "mse")
    model.set_weights([np.zeros((4, 3)), np.zeros(3)])  # a first step that cannot overflow
    model.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    path = str(tmp_path / "lso.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    opt = loaded.optimizer
    assert type(opt).__name__ == "LossScaleOptimizer"
    assert loaded.layers[0].dtype_policy.name == "mixed_float16"
    assert int(opt.step_counter.numpy()) == 1 and float(opt.dynamic_scale.numpy()) == 32768.0
    ours = {v.path: v.numpy() for v in model.optimizer.keras_variable_layout()}
    for v in opt.variables:
        np.testing.assert_array_equal(np.asarray(v.numpy()), ours[v.path])
    loaded.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    loaded.save(path)
    back = lamina.saving.load_model(path)
    assert isinstance(back.optimizer, lamina.mixed_precision.LossScaleOptimizer)
    assert int(back.optimizer.iterations.numpy()) == 2
    assert int(back.optimizer.step_counter.numpy()) == 2
