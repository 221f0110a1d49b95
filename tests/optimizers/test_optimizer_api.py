"""The Optimizer interface: build, variables, the pure form under jit, learning rate,
iterations, Keras-compatible state, configs and `get`."""

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina.optimizers as L
from lamina.core.variable import Variable

os.environ.setdefault("KERAS_BACKEND", "jax")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def make_vars():
    return [Variable(np.full((2, 3), 0.5, "float32"), name="kernel"),
            Variable(np.full((3,), -0.5, "float32"), name="bias")]


def grads_for(t):
    rng = np.random.default_rng(t)
    return [rng.normal(size=(2, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")]


def test_build_stores_optax_state_as_non_trainable_variables():
    opt = L.Adam()
    assert [v.path for v in opt.variables] == ["adam/iteration", "adam/learning_rate"]
    variables = make_vars()
    opt.build(variables)
    assert opt.built
    assert all(isinstance(v, Variable) and not v.trainable for v in opt.variables)
    assert opt.variables[0] is opt.iterations and opt.iterations.dtype == "int32"
    paths = [v.path for v in opt.keras_variable_layout()]
    assert paths == ["adam/iteration", "adam/learning_rate", "adam/kernel_momentum",
                     "adam/kernel_velocity", "adam/bias_momentum", "adam/bias_velocity"]
    # optax's own step counters follow the Keras part.
    assert len(opt.variables) > len(paths)
    assert opt.variables[:len(paths)] == opt.keras_variable_layout()


def test_stateless_apply_under_jit_equals_stateful_apply():
    a_vars, b_vars = make_vars(), make_vars()
    a, b = L.Adam(learning_rate=0.1, amsgrad=True, clipnorm=1.0), L.Adam(
        learning_rate=0.1, amsgrad=True, clipnorm=1.0)
    a.build(a_vars)
    b.build(b_vars)
    step = jax.jit(b.stateless_apply)
    opt_values = [v.value for v in b.variables]
    params = [v.value for v in b_vars]
    for t in range(5):
        a.apply(grads_for(t))
        params, opt_values = step(opt_values, grads_for(t), params)
    # The pure form touched nothing.
    assert int(b.iterations.numpy()) == 0
    np.testing.assert_array_equal(b_vars[0].numpy(), np.full((2, 3), 0.5, "float32"))
    assert int(opt_values[0]) == 5 and int(a.iterations.numpy()) == 5
    for v, p in zip(a_vars, params):
        np.testing.assert_allclose(v.numpy(), p, rtol=1e-6)
    for v, value in zip(a.variables, opt_values):
        np.testing.assert_allclose(v.numpy(), value, rtol=1e-6)


def test_stateless_apply_checks_lengths():
    opt = L.SGD()
    with pytest.raises(ValueError, match="must be built"):
        opt.stateless_apply([], [], [])
    variables = make_vars()
    opt.build(variables)
    with pytest.raises(ValueError, match="1:1"):
        opt.stateless_apply([], grads_for(0), [v.value for v in variables])
    with pytest.raises(ValueError, match="No gradients"):
        opt.stateless_apply([v.value for v in opt.variables], [None, None],
                            [v.value for v in variables])


def test_learning_rate_read_and_set_between_steps():
    variables = make_vars()
    opt = L.SGD(learning_rate=0.1)
    assert isinstance(opt.learning_rate, float)
    assert opt.learning_rate == pytest.approx(0.1)
    opt.apply([np.ones((2, 3), "float32"), np.ones(3, "float32")], variables)
    np.testing.assert_allclose(variables[0].numpy(), 0.4, rtol=1e-6)
    opt.learning_rate = 0.01
    assert opt.learning_rate == pytest.approx(0.01)
    opt.apply([np.ones((2, 3), "float32"), np.ones(3, "float32")], variables)
    np.testing.assert_allclose(variables[0].numpy(), 0.39, rtol=1e-6)
    # Keras code that treats it as the Variable keeps working.
    opt.learning_rate.assign(0.02)
    assert opt.learning_rate.numpy() == np.float32(0.02)
    opt.learning_rate = 0.01
    import copy

    assert type(copy.deepcopy(opt.learning_rate)) is float
    # The setter writes the Variable that the pure form reads.
    lr_var = opt.keras_variable_layout()[1]
    assert lr_var.path == "sgd/learning_rate"
    np.testing.assert_allclose(lr_var.numpy(), 0.01)


def test_learning_rate_inside_jit_reads_the_traced_value():
    variables = make_vars()
    opt = L.SGD(learning_rate=0.1)
    opt.build(variables)
    from lamina.core.stateless_scope import StatelessScope

    def lr_of(values):
        with StatelessScope(zip(opt.variables, values)):
            return opt.learning_rate

    out = jax.jit(lr_of)([v.value for v in opt.variables[:1]] + [jnp.float32(0.25)])
    assert float(out) == pytest.approx(0.25)


def test_schedule_learning_rate_follows_iterations_and_is_not_settable():
    sched = L.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    opt = L.SGD(learning_rate=sched)
    variables = make_vars()
    assert opt.learning_rate == pytest.approx(0.1)
    for t in range(4):
        opt.apply(grads_for(t), variables)
    assert opt.learning_rate == pytest.approx(0.1 * 0.5 ** 2)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3
    assert "learning_rate" not in [v.name for v in opt.keras_variable_layout()]


def test_callable_and_variable_learning_rates():
    variables = make_vars()
    box = {"lr": 0.1}
    opt = L.SGD(learning_rate=lambda: box["lr"])
    opt.apply([np.ones((2, 3), "float32"), np.ones(3, "float32")], variables)
    box["lr"] = 0.2
    opt.apply([np.ones((2, 3), "float32"), np.ones(3, "float32")], variables)
    np.testing.assert_allclose(variables[0].numpy(), 0.5 - 0.1 - 0.2, rtol=1e-6)

    shared = Variable(0.1, dtype="float32", name="lr")
    opt = L.SGD(learning_rate=shared)
    variables = make_vars()
    opt.build(variables)
    assert opt.keras_variable_layout()[1] is shared
    shared.assign(0.3)
    assert opt.learning_rate == pytest.approx(0.3)
    opt.apply([np.ones((2, 3), "float32"), np.ones(3, "float32")])
    np.testing.assert_allclose(variables[0].numpy(), 0.2, rtol=1e-6)

    # Any `step -> lr` callable (an optax schedule, say) works as a schedule.
    import optax

    opt = L.SGD(learning_rate=optax.linear_schedule(0.1, 0.0, 10))
    variables = make_vars()
    for t in range(5):
        opt.apply(grads_for(t), variables)
    assert opt.learning_rate == pytest.approx(0.05)


def test_iterations_count_steps():
    opt = L.Adam()
    variables = make_vars()
    for t in range(3):
        opt.apply_gradients(zip(grads_for(t), variables))
    assert int(opt.iterations.numpy()) == 3


def test_unknown_variable_and_bad_arguments():
    opt = L.SGD()
    opt.build(make_vars())
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply([np.ones(3, "float32")], [Variable(np.zeros(3, "float32"))])
    with pytest.raises(ValueError, match="Only one of"):
        L.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="not recognized"):
        L.Adam(foo=1)
    with pytest.raises(ValueError, match="weight_decay"):
        L.AdamW(weight_decay=None)


def continue_both(a, a_vars, b, b_vars, steps=range(3, 6)):
    """Train both optimizers on the same gradients; their variables must agree."""
    for t in steps:
        a.apply(grads_for(t), a_vars)
        b.apply(grads_for(t), b_vars)
    for av, bv in zip(a_vars, b_vars):
        np.testing.assert_allclose(bv.numpy(), np.asarray(av.numpy()), rtol=1e-5)


def test_save_and_load_own_variables_resume_training():
    a_vars = make_vars()
    a = L.Adam(learning_rate=0.05, gradient_accumulation_steps=2)
    for t in range(3):
        a.apply(grads_for(t), a_vars)
    store = {}
    a.save_own_variables(store)
    assert len(store) == len(a.keras_variable_layout())

    b_vars = make_vars()
    for bv, av in zip(b_vars, a_vars):
        bv.assign(av.numpy())
    b = L.Adam(learning_rate=0.05, gradient_accumulation_steps=2)
    b.build(b_vars)
    b.load_own_variables(store)
    continue_both(a, a_vars, b, b_vars)


def test_state_saved_by_keras_loads_and_continues_like_keras():
    keras = pytest.importorskip("keras")
    init = [np.full((2, 3), 0.5, "float32"), np.full((3,), -0.5, "float32")]
    k_vars = [keras.Variable(x) for x in init]
    kopt = keras.optimizers.Nadam(learning_rate=0.05)
    for t in range(3):
        kopt.apply(grads_for(t), k_vars)
    store = {}
    kopt.save_own_variables(store)

    l_vars = [Variable(v.numpy()) for v in k_vars]
    lopt = L.Nadam(learning_rate=0.05)
    lopt.build(l_vars)
    lopt.load_own_variables(store)
    continue_both(kopt, k_vars, lopt, l_vars)


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta",
                                  "Adamax", "Nadam", "Lion", "Ftrl"])
def test_config_round_trip_and_keras_keys(name):
    keras = pytest.importorskip("keras")
    opt = getattr(L, name)(learning_rate=0.02, clipnorm=0.5)
    config = opt.get_config()
    kconfig = getattr(keras.optimizers, name)(learning_rate=0.02, clipnorm=0.5).get_config()
    assert list(config) == list(kconfig)
    assert {k: v for k, v in config.items() if k != "name"} == {
        k: v for k, v in kconfig.items() if k != "name"}
    clone = type(opt).from_config(config)
    assert clone.get_config() == config
    # Keras can read lamina's config and the other way round.
    assert getattr(keras.optimizers, name).from_config(config).get_config() == config
    assert L.deserialize(keras.optimizers.serialize(
        getattr(keras.optimizers, name).from_config(config))).get_config() == config


def test_serialize_matches_keras_format_with_schedule():
    keras = pytest.importorskip("keras")
    sched = dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)
    ours = L.serialize(L.Adam(learning_rate=L.schedules.ExponentialDecay(**sched), name="a"))
    theirs = keras.optimizers.serialize(keras.optimizers.Adam(
        learning_rate=keras.optimizers.schedules.ExponentialDecay(**sched), name="a"))
    assert ours == theirs
    restored = L.deserialize(ours)
    assert isinstance(restored, L.Adam)
    assert restored.learning_rate == pytest.approx(0.1)


def test_get_by_name_dict_and_instance():
    assert isinstance(L.get("adam"), L.Adam)
    assert isinstance(L.get("ADAM"), L.Adam)
    assert isinstance(L.get("RMSprop"), L.RMSprop)
    assert isinstance(L.get("rmsprop"), L.RMSprop)
    assert isinstance(L.get("adamw"), L.AdamW)
    assert L.get("rmsprop").name.startswith("rm_sprop")
    sgd = L.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert sgd.learning_rate == pytest.approx(0.5) and sgd.momentum == 0.9
    opt = L.Nadam()
    assert L.get(opt) is opt
    assert L.get(None) is None


def test_get_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="adamm.*Did you mean 'adam'"):
        L.get("adamm")
    with pytest.raises(ValueError, match="rmsprop"):
        L.get("rmsprp")
    with pytest.raises(ValueError, match="Known optimizers"):
        L.get("zzzz")
