"""optax transformations for the Keras update rules that optax's own do not express.

Each is an `optax.GradientTransformation` built from optax pieces (`optax.tree`
moment updates, bias correction, `safe_increment`). The direction they return
is positive; the optimizer chains `optax.scale_by_learning_rate` after them.
Their states reuse optax's state classes where the fields mean the same thing,
so `mu`/`nu` name the first/second moments everywhere.
"""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
from optax._src import numerics


def _power(base, count):
    """`base ** count` in the float dtype of a step count (int32 count)."""
    return jnp.power(jnp.asarray(base, jnp.float32), count.astype(jnp.float32))


def leafwise(fn, outputs):
    """`apply(shared, *trees) -> outputs trees`: `fn(*leaves, *shared)` on each set of
    corresponding leaves of `trees` (shaped like the first; its None leaves stay None).

    `fn` runs as one jitted function, whose trace JAX caches by its arguments' shapes and
    dtypes: a model's many same-shaped weights share one trace instead of tracing the same
    update once per weight (the 82 weights of a 40-layer MLP: 5 traces). XLA inlines the
    calls, so the compiled step and its numbers are those of a plain per-leaf map.
    """
    jitted = jax.jit(fn)

    def apply(shared, *trees):
        leaves, treedef = jax.tree.flatten(trees[0], is_leaf=lambda x: x is None)
        columns = [leaves] + [treedef.flatten_up_to(t) for t in trees[1:]]
        results = [None if row[0] is None else jitted(*row, *shared) for row in zip(*columns)]
        return tuple(treedef.unflatten([None if r is None else r[i] for r in results])
                     for i in range(outputs))

    return apply


def clip_by_norm_per_leaf(max_norm):
    """Scale each gradient so its own L2 norm is at most `max_norm` (Keras `clipnorm`).

    `g * max_norm / max(||g||, max_norm)`; a zero gradient stays zero.
    """

    def clip(g, _):
        sq = jnp.sum(jnp.square(g))
        safe = jnp.where(sq > 0, sq, 1.0)
        norm = jnp.where(sq > 0, jnp.sqrt(safe), sq)
        return g * max_norm / jnp.maximum(norm, max_norm)

    return optax.stateless_with_tree_map(clip)


def gradient_clipping(clipnorm=None, clipvalue=None, global_clipnorm=None):
    """The Keras clipping option in force (at most one), or `optax.identity()`."""
    if clipnorm and clipnorm > 0:
        return clip_by_norm_per_leaf(clipnorm)
    if global_clipnorm and global_clipnorm > 0:
        return optax.clip_by_global_norm(global_clipnorm)
    if clipvalue and clipvalue > 0:
        return optax.clip(clipvalue)
    return optax.identity()


def scale_by_keras_adam(b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    """Adam with Keras's epsilon: `m * sqrt(1-b2^t)/(1-b1^t) / (sqrt(v) + eps)`.

    With `amsgrad`, `nu_max = max(nu_max, v)` on the uncorrected `v` replaces `v`.
    State: `ScaleByAdamState(count, mu, nu)` or `ScaleByAmsgradState(..., nu_max)`.
    """

    def init_fn(params):
        count = jnp.zeros([], jnp.int32)
        mu, nu = optax.tree.zeros_like(params), optax.tree.zeros_like(params)
        if amsgrad:
            return optax.ScaleByAmsgradState(count, mu, nu, optax.tree.zeros_like(params))
        return optax.ScaleByAdamState(count, mu, nu)

    def one(g, m, v, *rest):
        """(direction, new m, new v[, new nu_max]) for one weight; rest: ([nu_max,] alpha)."""
        m = optax.tree.update_moment(g, m, b1, 1)
        v = optax.tree.update_moment_per_elem_norm(g, v, b2, 2)
        denom_src = jnp.maximum(rest[0], v) if amsgrad else v
        out = (m * rest[-1]) / (jnp.sqrt(denom_src) + eps)
        return (out, m, v, denom_src) if amsgrad else (out, m, v)

    each = leafwise(one, 4 if amsgrad else 3)

    def update_fn(updates, state, params=None):
        del params
        count = numerics.safe_increment(state.count)
        alpha = jnp.sqrt(1 - _power(b2, count)) / (1 - _power(b1, count))
        if amsgrad:
            out, mu, nu, nu_max = each((alpha,), updates, state.mu, state.nu, state.nu_max)
            return out, optax.ScaleByAmsgradState(count, mu, nu, nu_max)
        out, mu, nu = each((alpha,), updates, state.mu, state.nu)
        return out, optax.ScaleByAdamState(count, mu, nu)

    return optax.GradientTransformation(init_fn, update_fn)


def scale_by_keras_adamax(b1=0.9, b2=0.999, eps=1e-7):
    """Adamax as Keras: `u = max(b2*u, |g|)`, direction `m / ((1-b1^t) * (u + eps))`.

    (optax's adamax adds `eps` inside the running maximum instead.)
    State: `ScaleByAdamState(count, mu, nu)` with `nu` the infinity norm `u`.
    """

    def init_fn(params):
        zeros = optax.tree.zeros_like
        return optax.ScaleByAdamState(jnp.zeros([], jnp.int32), zeros(params), zeros(params))

    def one(g, m, u, corr):
        m = optax.tree.update_moment(g, m, b1, 1)
        u = optax.tree.update_infinity_moment(g, u, b2, 0.0)
        return m / (corr * (u + eps)), m, u

    each = leafwise(one, 3)

    def update_fn(updates, state, params=None):
        del params
        count = numerics.safe_increment(state.count)
        out, mu, nu = each((1 - _power(b1, count),), updates, state.mu, state.nu)
        return out, optax.ScaleByAdamState(count, mu, nu)

    return optax.GradientTransformation(init_fn, update_fn)


class ScaleByKerasNadamState(NamedTuple):
    """Nadam state: step count, moments and the running product of momentum factors."""

    count: Any
    mu: Any
    nu: Any
    u_product: Any


def scale_by_keras_nadam(b1=0.9, b2=0.999, eps=1e-7, decay=0.96):
    """Nadam as Keras: momentum factors `u_t = b1 * (1 - 0.5 * decay^t)`.

    Direction: `(u_{t+1} m / (1 - U_{t+1}) + (1 - u_t) g / (1 - U_t)) / (sqrt(v / (1-b2^t)) + eps)`
    where `U_t = u_1 * ... * u_t` is kept in the state as `u_product`. Like Keras,
    the betas are float32 (so `1 - b2` is rounded in float32).
    """
    b1, b2 = jnp.float32(b1), jnp.float32(b2)

    def init_fn(params):
        zeros = optax.tree.zeros_like
        dtype = optax.tree.dtype(params, "highest") if jax.tree.leaves(params) else jnp.float32
        return ScaleByKerasNadamState(jnp.zeros([], jnp.int32), zeros(params), zeros(params),
                                      jnp.ones([], dtype))

    def one(g, m, v, u_t, u_next, u_product, u_product_next, v_corr):
        m = optax.tree.update_moment(g, m, b1, 1)
        v = optax.tree.update_moment_per_elem_norm(g, v, b2, 2)
        m_hat = u_next * m / (1 - u_product_next) + (1 - u_t) * g / (1 - u_product)
        return m_hat / (jnp.sqrt(v / v_corr) + eps), m, v

    each = leafwise(one, 3)

    def update_fn(updates, state, params=None):
        del params
        count = numerics.safe_increment(state.count)
        u_t = b1 * (1.0 - 0.5 * _power(decay, count))
        u_next = b1 * (1.0 - 0.5 * _power(decay, count + 1))
        u_product = state.u_product * u_t
        u_product_next = u_product * u_next
        v_corr = 1 - _power(b2, count)
        out, mu, nu = each((u_t, u_next, u_product, u_product_next, v_corr),
                           updates, state.mu, state.nu)
        return out, ScaleByKerasNadamState(count, mu, nu, u_product.astype(state.u_product.dtype))

    return optax.GradientTransformation(init_fn, update_fn)


class KerasFtrlState(NamedTuple):
    """FTRL accumulators: sum of squared gradients and the linear term."""

    accumulator: Any
    linear: Any


def keras_ftrl(learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
               l1=0.0, l2=0.0, l2_shrinkage=0.0, beta=0.0, weight_decay=None, decay_mask=None):
    """FTRL-proximal as Keras: the update moves each variable to its closed-form value.

    FTRL overwrites the variable from its accumulators, so Keras's decoupled weight
    decay (applied to the variable before the step) enters through `params`; pass
    `weight_decay` here instead of chaining `add_decayed_weights`. Needs `params`.
    """

    def init_fn(params):
        return KerasFtrlState(optax.tree.full_like(params, initial_accumulator_value),
                              optax.tree.zeros_like(params))

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError("keras_ftrl needs `params` in update().")
        mask = decay_mask if decay_mask is not None else [True] * len(jax.tree.leaves(params))
        p = -learning_rate_power
        l2_total = l2 + beta / (2.0 * learning_rate)

        def one(g, var, acc, lin, decayed):
            if weight_decay is not None and decayed:
                var = var - var * weight_decay * learning_rate
            g_shrunk = g + 2 * l2_shrinkage * var
            new_acc = acc + jnp.square(g)
            lin = lin + (g_shrunk - (jnp.power(new_acc, p) - jnp.power(acc, p)) / learning_rate * var)
            quadratic = jnp.power(new_acc, p) / learning_rate + 2 * l2_total
            new_var = (jnp.clip(lin, -l1, l1) - lin) / quadratic
            return new_var, new_acc, lin

        grads, treedef = jax.tree.flatten(updates)
        flat = [treedef.flatten_up_to(t) for t in (params, state.accumulator, state.linear)]
        results = [one(*args) for args in zip(grads, *flat, mask)]
        new_vars, accs, lins = (treedef.unflatten(list(col)) for col in zip(*results))
        out = jax.tree.map(lambda new, old: new - old, new_vars, params)
        return out, KerasFtrlState(accs, lins)

    return optax.GradientTransformation(init_fn, update_fn)


class KerasSlotsState(NamedTuple):
    """State of a rule written per variable: the step count and, per slot name, one
    array (or None where the variable has no such slot) per variable."""

    count: Any
    slots: Any


def keras_variable_rule(init_slots, step, learning_rate, weight_decays):
    """A Keras `update_step` (one variable at a time) as an optax transformation.

    Keras decays a variable (`v - v * wd * lr`) before its update step, so rules that
    read the variable (its norm, its RMS) see the decayed value; this does the same.

    Args:
        init_slots: `(index, param) -> {slot_name: array or None}` (zero-valued params).
        step: `(t, lr, grad, var, slots) -> (new_var, new_slots)`, `t` the float32 step
            number (1 first), `slots` the variable's own `{name: array}`.
        learning_rate: the injected learning-rate hyperparameter.
        weight_decays: per variable, its decay factor or None.
    Needs `params` in `update`; returns `new_var - var` (the variable before decay).
    """

    def init_fn(params):
        per_var = [init_slots(i, p) for i, p in enumerate(params)]
        names = list(dict.fromkeys(n for d in per_var for n in d))
        slots = {n: [d.get(n) for d in per_var] for n in names}
        return KerasSlotsState(jnp.zeros([], jnp.int32), slots)

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError("keras_variable_rule needs `params` in update().")
        count = numerics.safe_increment(state.count)
        t = count.astype(jnp.float32)
        out, new_slots = [], {n: list(v) for n, v in state.slots.items()}
        for i, (g, p, wd) in enumerate(zip(updates, params, weight_decays)):
            var = p if wd is None else p - p * jnp.asarray(wd, p.dtype) * learning_rate
            own = {n: v[i] for n, v in state.slots.items() if v[i] is not None}
            new_var, own = step(t, learning_rate, g, var, own)
            for n, value in own.items():
                new_slots[n][i] = value.astype(state.slots[n][i].dtype)
            out.append(new_var - p)
        return out, KerasSlotsState(count, new_slots)

    return optax.GradientTransformation(init_fn, update_fn)


def decay_factors(weight_decay, decay_mask):
    """Per variable: `weight_decay` where the mask allows decay, else None."""
    return [weight_decay if m else None for m in decay_mask]
