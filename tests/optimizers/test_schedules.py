"""Learning-rate schedules give Keras 3's values at every step, also under jit, and
serialize in Keras's format."""

import os

import jax
import numpy as np
import pytest

from lamina.optimizers import schedules as S

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
KS = keras.optimizers.schedules

CASES = [
    ("ExponentialDecay", (0.1, 7, 0.9), {}),
    ("ExponentialDecay", (0.1, 7, 0.9), {"staircase": True}),
    ("PiecewiseConstantDecay", ([5, 10, 20], [1.0, 0.5, 0.1, 0.01]), {}),
    ("PolynomialDecay", (0.1, 30), {"end_learning_rate": 0.01, "power": 2.0}),
    ("PolynomialDecay", (0.1, 30), {"end_learning_rate": 0.01, "power": 0.5, "cycle": True}),
    ("InverseTimeDecay", (0.1, 5, 0.5), {}),
    ("InverseTimeDecay", (0.1, 5, 0.5), {"staircase": True}),
    ("CosineDecay", (0.1, 40), {"alpha": 0.1}),
    ("CosineDecay", (0.0, 40), {"warmup_target": 0.2, "warmup_steps": 10}),
    ("CosineDecay", (0.05, 40), {"warmup_target": 0.2, "warmup_steps": 0}),
    ("CosineDecayRestarts", (0.1, 10), {}),
    ("CosineDecayRestarts", (0.1, 10), {"t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1}),
    ("CosineDecayRestarts", (0.1, 7), {"t_mul": 1.5, "m_mul": 0.8}),
]
STEPS = np.arange(0, 130)


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_values_match_keras_eager_and_jit(name, args, kwargs):
    ours, theirs = getattr(S, name)(*args, **kwargs), getattr(KS, name)(*args, **kwargs)
    if name.startswith("Cosine"):
        # Keras's `ops.cond` retraces on every eager call (seconds per step); one
        # vmapped (uncompiled) call gives the same values.
        expected = np.asarray(jax.vmap(theirs)(STEPS.astype("int32")))
    else:
        expected = np.array([float(theirs(int(s))) for s in STEPS])
    eager = np.array([float(ours(int(s))) for s in STEPS])
    traced = np.asarray(jax.jit(jax.vmap(ours))(STEPS.astype("int32")))
    # Cosines near zero leave a few float32 ulps; 1e-5 of the peak covers them.
    atol = 1e-5 * np.abs(expected).max()
    np.testing.assert_allclose(eager, expected, rtol=1e-5, atol=atol)
    np.testing.assert_allclose(traced, expected, rtol=1e-5, atol=atol)
    assert traced.dtype == np.float32


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_config_and_serialization_match_keras(name, args, kwargs):
    ours, theirs = getattr(S, name)(*args, **kwargs), getattr(KS, name)(*args, **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert S.serialize(ours) == KS.serialize(theirs)
    clone = S.deserialize(KS.serialize(theirs))
    assert type(clone) is type(ours) and clone.get_config() == ours.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_staircase_is_exact_at_period_boundaries_under_jit():
    # XLA may rewrite `step / 7` as `step * (1/7)`; 21 must still give exponent 3.
    sched = S.ExponentialDecay(1.0, 7, 0.5, staircase=True)
    steps = np.arange(0, 400, 7, dtype="int32")
    np.testing.assert_allclose(np.asarray(jax.jit(jax.vmap(sched))(steps)),
                               0.5 ** (steps // 7), rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="decay_steps"):
        S.CosineDecay(0.1, 0)
    with pytest.raises(ValueError, match="1 less"):
        S.PiecewiseConstantDecay([1, 2], [0.1])
    with pytest.raises(TypeError):
        S.LearningRateSchedule()(0)
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        S.deserialize({"class_name": "Nope", "config": {}})


def test_custom_schedule_subclass():
    class Halving(S.LearningRateSchedule):
        def __init__(self, lr):
            self.lr = lr

        def __call__(self, step):
            return self.lr / (step + 1)

        def get_config(self):
            return {"lr": self.lr}

    config = S.serialize(Halving(0.4))
    restored = S.deserialize(config, custom_objects={"Halving": Halving})
    assert float(restored(1)) == pytest.approx(0.2)
