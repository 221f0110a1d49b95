"""Every lamina optimizer follows Keras 3's update rule: after 20 steps on the same
gradients of a random quadratic (gradient `0.5 * w + noise_t`, so each step depends
on the weights), the weights and every Keras optimizer variable agree."""

import os

import jax
import numpy as np
import pytest

import lamina.optimizers as L
from lamina.core.variable import Variable

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SHAPES = [(4, 3), (3,), (3, 2)]
STEPS = 20


def _problem(seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    init = [rng.normal(size=s).astype("float32") for s in SHAPES]
    noise = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(steps)]
    return init, noise


def _train(ns, make_var, name, kwargs, steps=STEPS, drop=None, on_step=None):
    """Train with `ns.<name>(**kwargs)` (or `name(ns)` for a callable `name`), `ns` being
    `keras.optimizers` or `lamina.optimizers`; `drop`: a variable index given no gradient."""
    init, noise = _problem(steps=steps)
    opt = getattr(ns, name)(**kwargs) if isinstance(name, str) else name(ns)
    variables = [make_var(x, f"w{i}") for i, x in enumerate(init)]
    for t in range(steps):
        if on_step:
            on_step(opt, t)
        grads = [v.numpy() * 0.5 + n for v, n in zip(variables, noise[t])]
        if drop is not None:
            grads[drop] = None
        if ns is L:
            opt.apply(grads, variables)
        else:
            _keras_step(opt, variables, grads)
    return opt, [v.numpy() for v in variables]


def _keras_step(opt, variables, grads):
    """Keras's update through its jitted pure form (as in `fit`; eager Keras is slow)."""
    if not opt.built:
        opt.build(variables)
        opt._test_step = jax.jit(opt.stateless_apply)
    new_params, new_opt = opt._test_step([v.value for v in opt.variables], grads,
                                         [v.value for v in variables])
    for v, value in zip(list(variables) + opt.variables, list(new_params) + list(new_opt)):
        v.assign(value)


def run_both(name, kwargs, **kw):
    kopt, kparams = _train(keras.optimizers, lambda x, n: keras.Variable(x, name=n), name,
                           kwargs, **kw)
    lopt, lparams = _train(L, lambda x, n: Variable(x, name=n), name, kwargs, **kw)
    return (kopt, kparams), (lopt, lparams)


def assert_parity(keras_side, lamina_side, rtol=1e-5, atol=1e-6):
    (kopt, kparams), (lopt, lparams) = keras_side, lamina_side
    for k, l in zip(kparams, lparams):
        np.testing.assert_allclose(l, k, rtol=rtol, atol=atol)
    kvars, lvars = kopt.variables, lopt.keras_variable_layout()
    assert [tuple(v.shape) for v in lvars] == [tuple(v.shape) for v in kvars]
    for kv, lv in zip(kvars, lvars):
        np.testing.assert_allclose(lv.numpy(), np.asarray(kv.numpy()), rtol=rtol, atol=atol,
                                   err_msg=lv.path)


CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.5, "weight_decay": 0.01}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.5}),
    ("RMSprop", {"centered": True, "rho": 0.8, "epsilon": 1e-3}),
    ("RMSprop", {"momentum": 0.5, "centered": True, "clipnorm": 0.5}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3, "clipnorm": 1.0}),
    ("Adam", {"clipvalue": 0.3}),
    ("Adam", {"global_clipnorm": 1.0}),
    ("Adam", {"weight_decay": 0.1}),
    ("AdamW", {}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.05, "amsgrad": True}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "clipvalue": 1.0}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adadelta", {"learning_rate": 0.5, "rho": 0.9, "global_clipnorm": 2.0}),
    ("Adamax", {}),
    ("Adamax", {"learning_rate": 0.01, "beta_2": 0.9, "weight_decay": 0.02}),
    ("Nadam", {}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.8, "clipnorm": 1.0}),
    ("Lion", {}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "weight_decay": 0.1}),
    ("Adam", {"use_ema": True}),
    ("SGD", {"momentum": 0.9, "use_ema": True, "ema_momentum": 0.9,
             "ema_overwrite_frequency": 3}),
    ("Adam", {"gradient_accumulation_steps": 3}),
    ("RMSprop", {"momentum": 0.5, "gradient_accumulation_steps": 2, "weight_decay": 0.01}),
    ("Adam", {"loss_scale_factor": 128.0}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_update_rule_matches_keras(name, kwargs):
    keras_side, lamina_side = run_both(name, kwargs)
    assert_parity(keras_side, lamina_side)


@pytest.mark.parametrize("kwargs", [
    {},
    {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.01,
     "l2_shrinkage_regularization_strength": 0.01, "beta": 0.1, "weight_decay": 0.1},
])
def test_ftrl_matches_keras(kwargs):
    # FTRL's `(acc_new**0.5 - acc**0.5) / lr` turns a 1-ulp difference of the compiled
    # (fused) arithmetic into ~1e-5 of the `linear` slot; the rule itself is the same
    # (lamina's unjitted step equals Keras bit for bit), so compare more loosely.
    keras_side, lamina_side = run_both("Ftrl", kwargs)
    assert_parity(keras_side, lamina_side, rtol=2e-3, atol=1e-5)


def test_missing_gradient_leaves_variable_and_slots_alone():
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        keras_side, lamina_side = run_both("Adam", {}, drop=1)
    assert_parity(keras_side, lamina_side)
    init, _ = _problem()
    np.testing.assert_array_equal(lamina_side[1][1], init[1])


def test_exclude_from_weight_decay_matches_keras():
    def make(ns):
        opt = ns.AdamW(weight_decay=0.2)
        opt.exclude_from_weight_decay(var_names=["w1"])
        return opt

    assert_parity(*run_both(make, {}))


def test_learning_rate_set_between_steps_matches_keras():
    def halve(opt, t):
        if t in (5, 12):
            opt.learning_rate = opt.learning_rate * 0.5

    keras_side, lamina_side = run_both("SGD", {"learning_rate": 0.1, "momentum": 0.9},
                                       on_step=halve)
    assert_parity(keras_side, lamina_side)
    assert lamina_side[0].learning_rate == pytest.approx(0.025)


@pytest.mark.parametrize("schedule,args", [
    ("ExponentialDecay", (0.1, 3, 0.7)),
    ("CosineDecay", (0.05, 15, 0.1)),
    ("PiecewiseConstantDecay", ([4, 9], [0.1, 0.05, 0.01])),
])
def test_scheduled_learning_rate_matches_keras(schedule, args):
    def make(ns):
        return ns.Adam(learning_rate=getattr(ns.schedules, schedule)(*args))

    kside, lside = run_both(make, {})
    assert_parity(kside, lside)
    assert lside[0].learning_rate == pytest.approx(float(kside[0].learning_rate), rel=1e-6)
