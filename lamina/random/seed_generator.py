"""SeedGenerator: random-number state held in a Variable, so random layers stay pure.

Each `next()` returns a fresh key and advances the state with `assign`, which inside a
StatelessScope is recorded as a new non-trainable value of the step.
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.session import on_clear_session
from lamina.core import naming
from lamina.core.variable import Variable

_global_rng = np.random.default_rng()


def set_global_seed(seed):
    """Reseed the source of default seeds (used by keras.utils.set_random_seed)."""
    global _global_rng, _global_generator
    _global_rng = np.random.default_rng(seed)
    _global_generator = None


def make_default_seed():
    """A fresh int seed from the global source."""
    return int(_global_rng.integers(0, 2**31 - 1))


class SeedGenerator:
    """Stateful source of keys. Args: seed (int or None: drawn from the global source)."""

    def __init__(self, seed=None, name=None, **kwargs):
        # Keras's `backend` option picks another backend's ops; lamina runs on JAX only.
        if kwargs:
            raise TypeError(f"SeedGenerator: keyword argument(s) {sorted(kwargs)} are not "
                            "supported by lamina; only `seed` and `name` are.")
        if seed is None:
            seed = make_default_seed()
        elif not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator seed must be an int or None, got {seed!r}.")
        self._initial_seed = int(seed)
        self.name = name or naming.auto_name("seed_generator")
        with naming.name_scope(self.name), jax.ensure_compile_time_eval():
            self.state = Variable(np.array([int(seed) % (2**32), 0], dtype=np.uint32),
                                  dtype="uint32", trainable=False, name="seed_generator_state")

    def next_state(self):
        """The current raw state (uint32[2]); advances it. For `hash_bits`."""
        state = self.state.value
        self.state.assign(state + jnp.array([0, 1], dtype=jnp.uint32))
        return state

    def next(self):
        """A new threefry key (uint32[2]); advances the state."""
        state = self.state.value
        self.state.assign(state + jnp.array([0, 1], dtype=jnp.uint32))
        return jax.random.fold_in(jax.random.wrap_key_data(state), 0)

    def get_config(self):
        return {"seed": self._initial_seed}


_global_generator = None


def global_seed_generator():
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator(make_default_seed(), name="global_seed_generator")
    return _global_generator


@on_clear_session
def _forget_global_generator():
    global _global_generator
    _global_generator = None


def draw_key(seed):
    """A jax key from an int, a SeedGenerator, a key array, or None (global generator)."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        gen = global_seed_generator()
        if isinstance(gen.state.value, jax.core.Tracer) or _tracing():
            raise ValueError(
                "A random op was called with seed=None inside a compiled function. Pass a "
                "`lamina.random.SeedGenerator` (created outside the function) as `seed`.")
        return gen.next()
    if isinstance(seed, (int, np.integer)):
        return jax.random.key(int(seed))
    if isinstance(seed, jax.Array) and jnp.issubdtype(seed.dtype, jax.dtypes.prng_key):
        return seed
    return jax.random.wrap_key_data(jnp.asarray(seed, dtype=jnp.uint32))


def _tracing():
    return isinstance(jnp.zeros(()) + 0, jax.core.Tracer)
