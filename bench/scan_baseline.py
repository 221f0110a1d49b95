"""The practical limit for W1: the MNIST MLP trained by a hand-written JAX loop.

Pure `jax` + `optax`, no Keras API: the same model (784 -> Dense 512 relu -> Dropout
0.5 -> Dense 10 softmax, Glorot-uniform kernels, zero biases), the same loss
(sparse categorical crossentropy on clipped softmax probabilities, as Keras computes
it from probabilities), the same optimizer rule as Keras's RMSprop (lr 0.001,
rho 0.9, epsilon 1e-7 inside the square root, zero initial velocity: optax.rmsprop
with eps_in_sqrt=True), dropout masks from JAX's default (threefry) keys as Keras
draws them, batch 128, a fresh on-device shuffle every epoch, the partial last batch
trained too, and the epoch's mean loss and accuracy brought back to the host.

One jitted call per epoch: the data lives on the device, the full batches run in one
`lax.scan`, the partial batch after it in the same compiled function.

    python bench/scan_baseline.py [--quick]     # prints samples/s
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

BATCH = 128
EPS = 1e-7


def init_params(key):
    def glorot(k, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return jax.random.uniform(k, (fan_in, fan_out), jnp.float32, -limit, limit)

    k1, k2 = jax.random.split(key)
    return {"w1": glorot(k1, 784, 512), "b1": jnp.zeros(512, jnp.float32),
            "w2": glorot(k2, 512, 10), "b2": jnp.zeros(10, jnp.float32)}


def forward(params, x, key):
    h = jax.nn.relu(x @ params["w1"] + params["b1"])
    keep = jax.random.bernoulli(key, 0.5, h.shape)
    h = jnp.where(keep, h / 0.5, 0.0)
    return jax.nn.softmax(h @ params["w2"] + params["b2"])


def loss_fn(params, x, y, key):
    probs = forward(params, x, key)
    p = jnp.clip(jnp.take_along_axis(probs, y[:, None], axis=1)[:, 0], EPS, 1.0 - EPS)
    loss = -jnp.mean(jnp.log(p))
    correct = jnp.sum(jnp.argmax(probs, axis=1) == y)
    return loss, correct


def make_epoch(n, optimizer):
    full, rest = divmod(n, BATCH)

    @jax.jit
    def epoch(params, opt_state, key, x, y):
        def step(carry, idx):
            params, opt_state, key, loss_sum, correct = carry
            key, sub = jax.random.split(key)
            xb, yb = jnp.take(x, idx, axis=0), jnp.take(y, idx, axis=0)
            (loss, c), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, xb, yb, sub)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            params = optax.apply_updates(params, updates)
            return (params, opt_state, key, loss_sum + loss * idx.shape[0], correct + c), None

        key, kperm = jax.random.split(key)
        perm = jax.random.permutation(kperm, n)
        carry = (params, opt_state, key, jnp.float32(0), jnp.int32(0))
        carry, _ = jax.lax.scan(step, carry, perm[:full * BATCH].reshape(full, BATCH))
        if rest:
            carry, _ = step(carry, perm[full * BATCH:])
        params, opt_state, key, loss_sum, correct = carry
        return params, opt_state, key, loss_sum / n, correct / n

    return epoch


def train(x, y, epochs, seed=0, rng_impl=None):
    """Train `epochs` epochs; returns (wall, process CPU) times at the end of each
    epoch (after the epoch's loss and accuracy reached the host) and the last logs."""
    key = jax.random.key(seed, impl=rng_impl)
    key, kinit = jax.random.split(key)
    params = init_params(kinit)
    optimizer = optax.rmsprop(0.001, decay=0.9, eps=EPS, initial_scale=0.0, eps_in_sqrt=True)
    opt_state = optimizer.init(params)
    epoch = make_epoch(len(x), optimizer)
    x, y = jax.device_put(x), jax.device_put(y.astype(np.int32))
    ends, logs = [], {}
    for _ in range(epochs):
        params, opt_state, key, loss, acc = epoch(params, opt_state, key, x, y)
        logs = {"loss": float(loss), "accuracy": float(acc)}
        ends.append((time.perf_counter(), time.process_time()))
    return ends, logs


def w1_fit(cfg):
    """W1 figure for the hand-written loop: samples/s over the epochs after the first."""
    import workloads

    x, y = workloads.load_mnist(cfg["w1_samples"])
    timed = cfg["w1_timed_epochs"]
    ends, logs = train(x, y, 1 + timed)
    (wall0, cpu0), (wall1, cpu1) = ends[0], ends[-1]
    return ({"fit_samples_per_s": len(x) * timed / (wall1 - wall0)},
            {"final_logs": logs, "cpu_per_wall": (cpu1 - cpu0) / (wall1 - wall0),
             "cpu": {"fit_samples_per_s": len(x) * timed / (cpu1 - cpu0)}})


if __name__ == "__main__":
    import argparse

    import workloads

    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    cfg = workloads.CONFIGS["quick" if p.parse_args().quick else "full"]
    print(w1_fit(cfg))
