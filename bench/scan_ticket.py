"""The practical limit for W2: the ticket classifier trained by a hand-written JAX loop.

Pure `jax` + `optax`, no Keras API, the model of `workloads.ticket_classifier`:
Concatenate(title 10,000, text_body 10,000, tags 100) -> Dense 64 relu, then two heads,
priority = Dense 1 sigmoid and department = Dense 4 softmax (Glorot-uniform kernels,
zero biases). Loss: mean squared error on priority + categorical crossentropy on
department computed from the probabilities as Keras does (renormalized, clipped to
[1e-7, 1 - 1e-7]), each averaged over the batch, weights 1. Optimizer: Keras's Adam
rule (lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7 added to sqrt(v) with the bias
corrections folded into the step size), written as an optax transformation because
optax.adam places epsilon after the bias correction. Batch 32, and the epoch loop of
`scan_loop` (on-device shuffle every epoch, one jitted `lax.scan` per epoch).

The epoch's logs are the ones Keras's `fit` reports for this model, computed in the
scan from per-batch sums: loss, priority_loss, department_loss (means over samples),
priority mean absolute / squared error, department categorical accuracy, AUC (ROC,
200 thresholds, trapezoids, all labels pooled) and Precision (threshold 0.5).

    python bench/scan_ticket.py [--quick]     # prints samples/s and the last logs
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

import scan_loop

BATCH = 32
EPS = 1e-7
# Keras's AUC thresholds: 198 evenly spaced inside (0, 1), and one just outside each end.
AUC_THRESHOLDS = np.array([-EPS] + [(i + 1) / 199 for i in range(198)] + [1 + EPS],
                          np.float32)


# -- Keras's Adam as an optax transformation ---------------------------------------------
class KerasAdamState(NamedTuple):
    count: jax.Array   # steps taken
    m: optax.Params    # first moments
    v: optax.Params    # second moments


def keras_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """w -= lr·sqrt(1 - beta_2^t)/(1 - beta_1^t) · m / (sqrt(v) + epsilon), t from 1."""

    def init(params):
        return KerasAdamState(jnp.zeros((), jnp.int32), jax.tree.map(jnp.zeros_like, params),
                              jax.tree.map(jnp.zeros_like, params))

    def update(grads, state, params=None):
        del params
        count = state.count + 1
        t = count.astype(jnp.float32)
        alpha = learning_rate * jnp.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = jax.tree.map(lambda m, g: m + (g - m) * (1 - beta_1), state.m, grads)
        v = jax.tree.map(lambda v, g: v + (g * g - v) * (1 - beta_2), state.v, grads)
        updates = jax.tree.map(lambda m, v: -alpha * m / (jnp.sqrt(v) + epsilon), m, v)
        return updates, KerasAdamState(count, m, v)

    return optax.GradientTransformation(init, update)


# -- the model ---------------------------------------------------------------------------
def init_params(key):
    k1, k2, k3 = jax.random.split(key, 3)
    return {"dense": {"kernel": scan_loop.glorot_uniform(k1, 20100, 64),
                      "bias": jnp.zeros(64, jnp.float32)},
            "priority": {"kernel": scan_loop.glorot_uniform(k2, 64, 1),
                         "bias": jnp.zeros(1, jnp.float32)},
            "department": {"kernel": scan_loop.glorot_uniform(k3, 64, 4),
                           "bias": jnp.zeros(4, jnp.float32)}}


def forward(params, title, text_body, tags):
    """(priority (batch, 1), department (batch, 4)) probabilities."""
    def dense(name, h):
        return h @ params[name]["kernel"] + params[name]["bias"]

    features = jax.nn.relu(dense("dense", jnp.concatenate([title, text_body, tags], axis=-1)))
    return (jax.nn.sigmoid(dense("priority", features)),
            jax.nn.softmax(dense("department", features)))


def confusion_sums(labels, probs, thresholds):
    """True/false positives/negatives per threshold ("positive" = prob > threshold) of all
    entries pooled, as float32 vectors of len(thresholds)."""
    above = probs.reshape(-1, 1) > thresholds
    pos = labels.reshape(-1, 1) > 0
    def count(mask):
        return jnp.sum(mask, axis=0, dtype=jnp.float32)
    return {"tp": count(above & pos), "fp": count(above & ~pos),
            "tn": count(~above & ~pos), "fn": count(~above & pos)}


def loss_fn(params, batch, key):
    """(mean loss of the batch, its sums for the epoch's logs)."""
    del key  # the model has no randomness
    y_priority, y_department = batch["priority"], batch["department"]
    priority, department = forward(params, batch["title"], batch["text_body"], batch["tags"])
    n = y_priority.shape[0]
    err = priority - y_priority
    sq = jnp.mean(err * err, axis=-1)
    probs = jnp.clip(department / jnp.sum(department, axis=-1, keepdims=True), EPS, 1 - EPS)
    cce = -jnp.sum(y_department * jnp.log(probs), axis=-1)
    priority_loss, department_loss = jnp.mean(sq), jnp.mean(cce)
    loss = priority_loss + department_loss
    sums = {"loss": loss * n, "priority_loss": priority_loss * n,
            "department_loss": department_loss * n,
            "priority_mae": jnp.sum(jnp.mean(jnp.abs(err), axis=-1)),
            "priority_mse": jnp.sum(sq),
            "department_correct": jnp.sum(
                jnp.argmax(department, -1) == jnp.argmax(y_department, -1), dtype=jnp.int32),
            "auc": confusion_sums(y_department, department, AUC_THRESHOLDS),
            "precision": confusion_sums(y_department, department, np.float32([0.5]))}
    return loss, sums


def zero_sums():
    def confusion(k):
        return {c: jnp.zeros(k, jnp.float32) for c in ("tp", "fp", "tn", "fn")}

    return {"loss": jnp.float32(0), "priority_loss": jnp.float32(0),
            "department_loss": jnp.float32(0), "priority_mae": jnp.float32(0),
            "priority_mse": jnp.float32(0), "department_correct": jnp.int32(0),
            "auc": confusion(len(AUC_THRESHOLDS)), "precision": confusion(1)}


def _divide_no_nan(a, b):
    return jnp.where(b == 0, 0.0, a / jnp.where(b == 0, 1.0, b))


def roc_auc(c):
    """Area under the ROC curve of per-threshold counts, by trapezoids (Keras's default)."""
    tpr = _divide_no_nan(c["tp"], c["tp"] + c["fn"])
    fpr = _divide_no_nan(c["fp"], c["fp"] + c["tn"])
    return jnp.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)


def finish(sums, n):
    """The epoch's logs, named as Keras's `fit` names them for this model."""
    p = sums["precision"]
    return {"loss": sums["loss"] / n,
            "priority_loss": sums["priority_loss"] / n,
            "department_loss": sums["department_loss"] / n,
            "priority_mean_absolute_error": sums["priority_mae"] / n,
            "priority_mean_squared_error": sums["priority_mse"] / n,
            "department_accuracy": sums["department_correct"] / n,
            "department_AUC": roc_auc(sums["auc"]),
            "department_Precision": _divide_no_nan(p["tp"], p["tp"] + p["fp"])[0]}


def train(inputs, targets, epochs, seed=0):
    """Train on `workloads.ticket_data`'s ([title, text_body, tags], [priority,
    department]) for `epochs` epochs: (wall, CPU) times at each epoch's end and every
    epoch's logs."""
    key, kinit = jax.random.split(jax.random.key(seed))
    optimizer = keras_adam()
    title, text_body, tags = inputs
    priority, department = targets
    data = {"title": title, "text_body": text_body, "tags": tags, "priority": priority,
            "department": department}
    epoch = scan_loop.make_epoch(len(title), BATCH, loss_fn, optimizer, zero_sums, finish)
    return scan_loop.train(epoch, init_params(kinit), optimizer, key, data, epochs)


def w2_fit(cfg):
    """W2 figure for the hand-written loop: samples/s over the epochs after the first."""
    import workloads

    inputs, targets = workloads.ticket_data(cfg["w2_samples"])
    timed = cfg["w2_timed_epochs"]
    ends, history = train(inputs, targets, 1 + timed)
    return scan_loop.fit_figures(ends, len(inputs[0]), timed, history)


if __name__ == "__main__":
    import argparse

    import workloads

    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    cfg = workloads.CONFIGS["quick" if p.parse_args().quick else "full"]
    print(w2_fit(cfg))
