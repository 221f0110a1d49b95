"""The compiled loops: many steps, or many prediction batches, in one jitted call over
data that sits on the device."""

import jax
import jax.numpy as jnp
from jax import lax

from lamina.core import tree
from lamina.training.aliased_rows import take_rows
from lamina.training.train_state import TrainState


def gather_batch(data, perm, step, batch_size):
    """Rows `perm[step*bs:(step+1)*bs]` of every array in `data` (on the device)."""
    idx = lax.dynamic_slice_in_dim(perm, step * batch_size, batch_size)
    return tree.map_structure(lambda a: None if a is None else take_rows(a, idx), data)


def make_loop(step_fn, logs_fn, batch_size, per_step_logs, max_steps, donate=False):
    """A jitted loop running `num_steps` steps from `start` over device-resident data.

    `loop(state, data, perm, start, num_steps) -> (state, logs)`; start and num_steps are
    traced, so one compilation serves every chunk. With `per_step_logs` the logs after
    each step are stacked (max_steps rows), else they are the logs of the returned state
    (what the epoch's end reads: no separate compiled call for them).
    `donate`: the input state's buffers are reused for the output state (the caller
    must not use the state it passed in again).
    """

    def loop(state, data, perm, start, num_steps):
        if per_step_logs:
            shapes = jax.eval_shape(logs_fn, state)
            buf = jax.tree_util.tree_map(
                lambda s: jnp.zeros((max_steps,) + s.shape, s.dtype), shapes)
        else:
            buf = None

        def body(i, carry):
            state, buf = carry
            batch = gather_batch(data, perm, start + i, batch_size)
            state = step_fn(state, batch)
            if per_step_logs:
                logs = logs_fn(state)
                buf = jax.tree_util.tree_map(lambda b, v: b.at[i].set(v), buf, logs)
            return state, buf

        state, buf = lax.fori_loop(0, num_steps, body, (state, buf))
        return state, (buf if per_step_logs else logs_fn(state))

    return donating(loop) if donate else jax.jit(loop)


def make_group_loop(step_fn, donate=False):
    """`loop(state, stacked, start, num) -> state`: steps start .. start+num-1 over a
    group of batches stacked on the device (every leaf shaped (group, batch, ...)).
    start and num are traced: one compilation serves every part of every group."""

    def loop(state, stacked, start, num):
        def body(i, s):
            batch = jax.tree_util.tree_map(
                lambda a: lax.dynamic_index_in_dim(a, i, keepdims=False), stacked)
            return step_fn(s, batch)

        return lax.fori_loop(start, start + num, body, state)

    return donating(loop) if donate else jax.jit(loop)


def donating(fn):
    """`fn(state, *args)` jitted so that the buffers of the state's weights and optimizer
    variables (its first three groups) are reused for the result: the train state is
    not held twice during a call. The caller must not use the state it passed in again.

    Metric variables and step logs are not donated: their reset values are shared
    constants. A state holding one buffer twice (two Variables given the same array) is
    passed without donation, which XLA refuses for it."""

    def split(owned, rest, *args):
        return fn(TrainState(*owned, *rest), *args)

    with_donation = jax.jit(split, donate_argnums=(0,))
    without = jax.jit(split)

    def call(state, *args):
        owned, rest = tuple(state[:3]), tuple(state[3:])
        leaves = jax.tree_util.tree_leaves(owned)
        shared = {id(a) for a in jax.tree_util.tree_leaves(rest)}
        ids = {id(a) for a in leaves}
        unique = len(ids) == len(leaves) and not ids & shared
        return (with_donation if unique else without)(owned, rest, *args)

    return call


def make_predict_loop(predict_fn, batch_size):
    """`loop(tv, ntv, x) -> outputs`: predictions of device-resident `x`, whose rows are a
    whole number of batches, one batch after another in one compiled call."""

    def loop(tv, ntv, x):
        n = tree.flatten(x)[0].shape[0] // batch_size
        batches = tree.map_structure(
            lambda a: a.reshape((n, batch_size) + tuple(a.shape[1:])), x)
        out = lax.map(lambda xb: predict_fn(tv, ntv, xb), batches)
        return jax.tree_util.tree_map(
            lambda o: o.reshape((n * batch_size,) + tuple(o.shape[2:])), out)

    return jax.jit(loop)
