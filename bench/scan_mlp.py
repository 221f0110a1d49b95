"""The practical limit for W1: the MNIST MLP trained by a hand-written JAX loop.

Pure `jax` + `optax`, no Keras API: the same model (784 -> Dense 512 relu -> Dropout
0.5 -> Dense 10 softmax, Glorot-uniform kernels, zero biases), the same loss
(sparse categorical crossentropy on clipped softmax probabilities, as Keras computes
it from probabilities), the same optimizer rule as Keras's RMSprop (lr 0.001,
rho 0.9, epsilon 1e-7 inside the square root, zero initial velocity: optax.rmsprop
with eps_in_sqrt=True), dropout masks from JAX's default (threefry) keys as Keras
draws them, batch 128, and the epoch loop of `scan_loop` (on-device shuffle every
epoch, one jitted `lax.scan` per epoch, the partial last batch trained too, the
epoch's mean loss and accuracy brought back to the host).

    python bench/scan_mlp.py [--quick]     # prints samples/s
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

import scan_loop

BATCH = 128
EPS = 1e-7


def init_params(key):
    k1, k2 = jax.random.split(key)
    return {"w1": scan_loop.glorot_uniform(k1, 784, 512), "b1": jnp.zeros(512, jnp.float32),
            "w2": scan_loop.glorot_uniform(k2, 512, 10), "b2": jnp.zeros(10, jnp.float32)}


def forward(params, x, key):
    h = jax.nn.relu(x @ params["w1"] + params["b1"])
    keep = jax.random.bernoulli(key, 0.5, h.shape)
    h = jnp.where(keep, h / 0.5, 0.0)
    return jax.nn.softmax(h @ params["w2"] + params["b2"])


def loss_fn(params, batch, key):
    """(mean loss, {"loss": summed loss, "correct": correct predictions}) of a batch."""
    x, y = batch["x"], batch["y"]
    probs = forward(params, x, key)
    p = jnp.clip(jnp.take_along_axis(probs, y[:, None], axis=1)[:, 0], EPS, 1.0 - EPS)
    loss = -jnp.mean(jnp.log(p))
    correct = jnp.sum(jnp.argmax(probs, axis=1) == y)
    return loss, {"loss": loss * y.shape[0], "correct": correct}


def zero_sums():
    return {"loss": jnp.float32(0), "correct": jnp.int32(0)}


def finish(sums, n):
    return {"loss": sums["loss"] / n, "accuracy": sums["correct"] / n}


def train(x, y, epochs, seed=0):
    """Train `epochs` epochs: (wall, CPU) times at each epoch's end and every epoch's logs."""
    key, kinit = jax.random.split(jax.random.key(seed))
    optimizer = optax.rmsprop(0.001, decay=0.9, eps=EPS, initial_scale=0.0, eps_in_sqrt=True)
    epoch = scan_loop.make_epoch(len(x), BATCH, loss_fn, optimizer, zero_sums, finish)
    data = {"x": x, "y": y.astype(np.int32)}
    return scan_loop.train(epoch, init_params(kinit), optimizer, key, data, epochs)


def w1_fit(cfg):
    """W1 figures for the hand-written loop: samples/s (and the achieved GFLOP/s) over
    the epochs after the first."""
    import workloads

    x, y = workloads.load_mnist(cfg["w1_samples"])
    timed = cfg["w1_timed_epochs"]
    ends, history = train(x, y, 1 + timed)
    return workloads.with_w1_flops(*scan_loop.fit_figures(ends, len(x), timed, history))


if __name__ == "__main__":
    import argparse

    import workloads

    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    cfg = workloads.CONFIGS["quick" if p.parse_args().quick else "full"]
    print(w1_fit(cfg))
