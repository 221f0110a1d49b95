"""Keras's learning-rate schedules, on optax schedules where optax has the same formula.

Every schedule takes a step (int or int32 array, possibly traced) and returns a
float32 scalar array; the step is converted to float32 first, as Keras does.
"""

import math

import jax.numpy as jnp
import optax

from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


def _as_float(step):
    return jnp.asarray(step).astype(jnp.float32)


def _whole_periods(step, period):
    """`floor(step / period)` as float32, exact under jit (XLA may turn `/ period`
    into `* (1 / period)`, which floors `21 / 7` to 2)."""
    return jnp.floor_divide(_as_float(step), jnp.float32(period))


def _check_positive(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    With `staircase=True` the exponent is floored, so the rate drops every
    `decay_steps` steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        self._fn = optax.exponential_decay(float(initial_learning_rate), decay_steps,
                                           float(decay_rate))

    def __call__(self, step):
        if self.staircase:
            p = _whole_periods(step, self.decay_steps)
            return (self.initial_learning_rate * jnp.power(jnp.float32(self.decay_rate), p)
                    ).astype(jnp.float32)
        return jnp.asarray(self._fn(_as_float(step)), jnp.float32)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, `values[-1]` after the last boundary.
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of `boundaries` should be 1 less than the length of `values`. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # The number of boundaries strictly below `step` picks the interval.
        index = jnp.sum(jnp.asarray(step) > jnp.asarray(self.boundaries))
        return jnp.asarray(self.values, jnp.float32)[index]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end`, step capped at
    `decay_steps`; with `cycle=True`, `decay_steps` grows to the next multiple of
    itself above `step` instead.
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        self._fn = optax.polynomial_schedule(float(initial_learning_rate), float(end_learning_rate),
                                             power, decay_steps)

    def __call__(self, step):
        step = _as_float(step)
        if not self.cycle:
            return jnp.asarray(self._fn(step), jnp.float32)
        multiplier = jnp.where(step == 0, 1.0, -_whole_periods(-step, self.decay_steps))
        p = step / (self.decay_steps * multiplier)
        span = self.initial_learning_rate - self.end_learning_rate
        return (span * jnp.power(1 - p, self.power) + self.end_learning_rate).astype(jnp.float32)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (floored
    `step / decay_steps` with `staircase=True`).
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        if self.staircase:
            p = _whole_periods(step, self.decay_steps)
        else:
            p = _as_float(step) / self.decay_steps
        return (self.initial_learning_rate / (1.0 + self.decay_rate * p)).astype(jnp.float32)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay with an optional linear warmup.

    Without `warmup_target`: `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decay_steps)) + alpha)`
    with `t = min(step, decay_steps)`. With `warmup_target`: a linear ramp from
    `initial_learning_rate` to `warmup_target` over `warmup_steps` steps, then the
    same cosine decay from `warmup_target` over the next `decay_steps` steps.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        peak = initial_learning_rate if warmup_target is None else warmup_target
        fn = optax.cosine_decay_schedule(float(peak), decay_steps, alpha=alpha)
        if warmup_target is not None and warmup_steps > 0:
            ramp = optax.linear_schedule(float(initial_learning_rate), float(warmup_target),
                                         warmup_steps)
            fn = optax.join_schedules([ramp, fn], [warmup_steps])
        self._fn = fn

    def __call__(self, step):
        return jnp.asarray(self._fn(_as_float(step)), jnp.float32)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps`; each next one is `t_mul` times
    longer and starts from `m_mul` times the previous peak. Within a period the
    rate follows `initial * m_mul**i * ((1 - alpha) * 0.5 * (1 + cos(pi * f)) + alpha)`
    for the completed fraction `f` of period `i`.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = _as_float(step) / self.first_decay_steps
        t_mul = jnp.float32(self._t_mul)
        if self._t_mul == 1.0:
            restart = _whole_periods(step, self.first_decay_steps)
            fraction = fraction - restart
        else:
            restart = jnp.floor(jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul))
            done = (1.0 - jnp.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / jnp.power(t_mul, restart)
        peak = jnp.power(jnp.float32(self._m_mul), restart)
        cosine = 0.5 * peak * (1.0 + jnp.cos(jnp.float32(math.pi) * fraction))
        decayed = (1 - self.alpha) * cosine + self.alpha
        return (self.initial_learning_rate * decayed).astype(jnp.float32)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}
