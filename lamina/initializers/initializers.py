"""Weight initializers with Keras's names and defaults. Each is called as `init(shape, dtype)`."""

import math
import warnings

import jax.numpy as jnp

import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.random.seed_generator import make_default_seed


# Initial values are drawn on the host with NumPy: no XLA compilation at model build time.
def _rng(seed):
    return np.random.default_rng(seed)


def _host_array(values, dtype):
    return jnp.asarray(np.asarray(values, dtype=np.float32), dtype=standardize_dtype(dtype))


def _host_filled(shape, value, dtype):
    """`value` broadcast to `shape`, made with NumPy in the target dtype (jnp.full would
    compile one XLA program per shape)."""
    dtype = standardize_dtype(dtype)
    return jnp.asarray(np.full(shape, value, dtype=jnp.dtype(dtype)), dtype=dtype)


def _normal(shape, mean, stddev, dtype, seed):
    return _host_array(_rng(seed).normal(mean, stddev, size=shape), dtype)


def _uniform(shape, minval, maxval, dtype, seed):
    return _host_array(_rng(seed).uniform(minval, maxval, size=shape), dtype)


def _truncated_normal(shape, mean, stddev, dtype, seed):
    """Normal values, redrawn where they fall beyond two standard deviations."""
    rng = _rng(seed)
    values = rng.standard_normal(size=shape)
    bad = np.abs(values) > 2.0
    while bad.any():
        values[bad] = rng.standard_normal(size=int(bad.sum()))
        bad = np.abs(values) > 2.0
    return _host_array(mean + stddev * values, dtype)


class Initializer:
    """Base class: `__call__(shape, dtype=None)` returns an array of `shape`."""

    def __call__(self, shape, dtype=None):
        raise TypeError(f"{type(self).__name__} must define __call__(shape, dtype).")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return _host_filled(shape, 0, dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return _host_filled(shape, 1, dtype)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return _host_filled(shape, self.value, dtype)

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """A 2D identity matrix times `gain`."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2D shape, got {shape}.")
        return self.gain * jnp.eye(*shape, dtype=standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """An initializer with a seed. With `seed=None` one is drawn when it is created."""

    def __init__(self, seed=None):
        self._init_seed = seed
        self.seed = make_default_seed() if seed is None else int(seed)

    def get_config(self):
        return {"seed": self._init_seed}


class RandomNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _normal(shape, self.mean, self.stddev, dtype, self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class RandomUniform(RandomInitializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _uniform(shape, self.minval, self.maxval, dtype, self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class TruncatedNormal(RandomInitializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _truncated_normal(shape, self.mean, self.stddev, dtype, self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a kernel: dense (in, out) or conv (..., in, out); with both
    `input_axes` and `output_axes`, the products of those axes' sizes."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (math.prod(shape[a] for a in input_axes),
                math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(RandomInitializer):
    """Values with variance `scale / n`, n from `mode` ("fan_in", "fan_out", "fan_avg"),
    drawn from `distribution` ("truncated_normal", "untruncated_normal", "uniform")."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        if (input_axes is None) != (output_axes is None):
            # Keras uses the axes only as a pair; say so rather than ignore one quietly.
            warnings.warn(f"{type(self).__name__}: input_axes and output_axes are used only "
                          "together; with one of them the default fans apply.", stacklevel=2)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0:
            raise ValueError(f"VarianceScaling scale must be positive, got {scale}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling mode must be fan_in, fan_out or fan_avg, got {mode!r}.")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"Unknown VarianceScaling distribution {distribution!r}.")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return _truncated_normal(shape, 0.0, math.sqrt(scale) / 0.87962566103423978,
                                     dtype, self.seed)
        if self.distribution == "untruncated_normal":
            return _normal(shape, 0.0, math.sqrt(scale), dtype, self.seed)
        limit = math.sqrt(3.0 * scale)
        return _uniform(shape, -limit, limit, dtype, self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config(), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


def _preset(name, scale, mode, distribution):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": f"VarianceScaling({scale}, {mode!r}, {distribution!r})."})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (QR of a normal matrix) times `gain`, reshaped to `shape`."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2, got {shape}.")
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = _rng(self.seed).standard_normal(size=flat)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diagonal(r))
        if rows < cols:
            q = q.T
        return _host_array(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}
