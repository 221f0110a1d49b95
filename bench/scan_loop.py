"""The hand-written JAX training loop the scan baselines share (pure `jax` + `optax`).

One jitted call per epoch: the data lives on the device, a fresh permutation is drawn
on the device, the full batches run in one `lax.scan`, the partial batch after it in
the same compiled function, and only the epoch's logs (scalars, computed from sums the
scan carries) come back to the host. Each baseline gives its loss, its per-batch sums
and how to turn the epoch's sums into logs; this module gives everything else.
"""

import time

import jax
import jax.numpy as jnp
import optax


def make_epoch(n, batch_size, loss_fn, optimizer, zero_sums, finish):
    """A jitted `epoch(params, opt_state, key, data) -> (params, opt_state, key, logs)`.

    n: samples in `data` (a pytree of arrays, samples on axis 0).
    loss_fn: `(params, batch, key) -> (mean loss, sums)`: `batch` is `data` gathered at
        the batch's indices, `key` a fresh key per step, `sums` a pytree of this batch's
        totals (summed over the epoch).
    zero_sums: `() -> sums` of zeros, the scan's initial totals.
    finish: `(sums, n) -> {name: scalar}`, the epoch's logs from its totals.
    """
    full, rest = divmod(n, batch_size)
    grad_fn = jax.value_and_grad(loss_fn, has_aux=True)

    @jax.jit
    def epoch(params, opt_state, key, data):
        def step(carry, idx):
            params, opt_state, key, sums = carry
            key, sub = jax.random.split(key)
            batch = jax.tree.map(lambda a: jnp.take(a, idx, axis=0), data)
            (_, batch_sums), grads = grad_fn(params, batch, sub)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            params = optax.apply_updates(params, updates)
            return (params, opt_state, key, jax.tree.map(jnp.add, sums, batch_sums)), None

        key, kperm = jax.random.split(key)
        perm = jax.random.permutation(kperm, n)
        carry = (params, opt_state, key, zero_sums())
        carry, _ = jax.lax.scan(step, carry, perm[:full * batch_size].reshape(full, batch_size))
        if rest:
            carry, _ = step(carry, perm[full * batch_size:])
        params, opt_state, key, sums = carry
        return params, opt_state, key, finish(sums, n)

    return epoch


def train(epoch, params, optimizer, key, data, epochs):
    """Run `epochs` epochs; returns the (wall, process CPU) times at the end of each epoch
    (after its logs reached the host) and every epoch's logs as floats."""
    opt_state = optimizer.init(params)
    data = jax.device_put(data)
    ends, history = [], []
    for _ in range(epochs):
        params, opt_state, key, logs = epoch(params, opt_state, key, data)
        history.append({k: float(v) for k, v in jax.device_get(logs).items()})
        ends.append((time.perf_counter(), time.process_time()))
    return ends, history


def fit_figures(ends, n, timed_epochs, history):
    """The fit figure (samples/s over the epochs after the first) and its extras, as
    `workloads.steady_fit` reports them for the libraries."""
    (wall0, cpu0), (wall1, cpu1) = ends[0], ends[-1]
    return ({"fit_samples_per_s": n * timed_epochs / (wall1 - wall0)},
            {"final_logs": history[-1], "cpu_per_wall": (cpu1 - cpu0) / (wall1 - wall0),
             "cpu": {"fit_samples_per_s": n * timed_epochs / (cpu1 - cpu0)}})


def glorot_uniform(key, fan_in, fan_out):
    """Keras's default Dense kernel initializer: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return jax.random.uniform(key, (fan_in, fan_out), jnp.float32, -limit, limit)
