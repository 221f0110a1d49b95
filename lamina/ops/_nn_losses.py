"""One-hot encodings, cross-entropies, CTC loss and greedy decoding, and PSNR."""

import jax
import jax.numpy as jnp

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops import _util
from lamina.ops._util import to_float, to_float_at_least32
from lamina.ops.dispatch import op


@op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer `x` with a new axis of size `num_classes` at `axis`.

    Out-of-range (e.g. negative) indices give all zeros. dtype defaults to floatx().

    Examples:
        >>> keras.ops.one_hot(np.array([0, 2, -1]), 3).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    _util.reject_sparse(sparse, "one_hot")
    return jax.nn.one_hot(jnp.asarray(x), num_classes, dtype=standardize_dtype(dtype),
                          axis=axis)


@op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encode integer `inputs`: 1 for every class present in each row.

    (batch, n) gives (batch, num_classes); 1-D input gives (num_classes,).
    """
    _util.reject_sparse(sparse, "multi_hot")
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("multi_hot() needs `num_classes`.")
    if kwargs:
        raise ValueError(f"multi_hot(): unexpected arguments {sorted(kwargs)}.")
    inputs = jnp.asarray(inputs)
    encoded = one_hot(inputs.astype("int32"), num_classes, axis=axis, dtype=dtype)
    return jnp.max(encoded, axis=1 if inputs.ndim > 1 else 0)


def _same_shape(target, output, name):
    if target.shape != output.shape:
        raise ValueError(f"{name}(): `target` and `output` must have the same shape; got "
                         f"target.shape={target.shape}, output.shape={output.shape}.")


@op
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy (no reduction); `output` holds probabilities,
    or logits when from_logits=True. Probabilities are clipped to [eps, 1 - eps]."""
    target, output = jnp.asarray(target), to_float(output)
    _same_shape(target, output, "binary_crossentropy")
    target = target.astype(output.dtype)
    if from_logits:
        return -(target * jax.nn.log_sigmoid(output)
                 + (1 - target) * jax.nn.log_sigmoid(-output))
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1 - eps)
    return -(target * jnp.log(output) + (1 - target) * jnp.log(1 - output))


def _log_probs(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    return jnp.log(jnp.clip(output, eps, 1 - eps))


@op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(probabilities)) along `axis`; `target` is one-hot (or soft)
    with the shape of `output`. Output probabilities are renormalized and clipped."""
    target, output = jnp.asarray(target), to_float(output)
    _same_shape(target, output, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError("categorical_crossentropy(): `output` must be at least rank 1.")
    return -jnp.sum(target.astype(output.dtype) * _log_probs(output, from_logits, axis),
                    axis=axis)


@op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy with integer class `target` of shape `output.shape` minus `axis`
    (a trailing size-1 axis is also accepted)."""
    target, output = jnp.asarray(target, "int32"), to_float(output)
    if output.ndim < 1:
        raise ValueError("sparse_categorical_crossentropy(): `output` must be at least rank 1.")
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    axis = axis % output.ndim
    expected = output.shape[:axis] + output.shape[axis + 1:]
    if target.shape != expected:
        raise ValueError(
            "sparse_categorical_crossentropy(): `target` must have the shape of `output` "
            f"without its class axis; got target.shape={target.shape}, "
            f"output.shape={output.shape}.")
    log_probs = _log_probs(output, from_logits, axis)
    picked = jnp.take_along_axis(log_probs, jnp.expand_dims(target, axis), axis=axis)
    valid = (target >= 0) & (target < output.shape[axis])
    return jnp.where(valid, -jnp.squeeze(picked, axis), 0.0)


def _paddings(lengths, max_length, dtype):
    return (jnp.arange(max_length)[None, :] >= jnp.asarray(lengths)[:, None]).astype(dtype)


@op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss (batch,).

    target: (batch, max_label_length) int labels; output: (batch, max_time, classes)
    logits; the lengths are (batch,); `mask_index` is the blank class.
    """
    import optax

    output = to_float_at_least32(output)
    target = jnp.asarray(target, "int32")
    return optax.ctc_loss(
        output, _paddings(output_length, output.shape[1], output.dtype), target,
        _paddings(target_length, target.shape[1], output.dtype), blank_id=mask_index)


@op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy CTC decoding of (batch, time, classes) scores.

    Returns (decoded, scores): decoded (1, batch, time) int32 labels left-aligned and
    padded with -1; scores (batch, 1), minus the summed best scores. Only
    strategy="greedy" is supported.
    """
    if strategy != "greedy":
        raise ValueError(f"ctc_decode(): strategy={strategy!r} is not supported by lamina; "
                         "use strategy='greedy'.")
    inputs = to_float_at_least32(inputs)
    batch, time, classes = inputs.shape
    blank = classes - 1 if mask_index is None else mask_index
    best = jnp.argmax(inputs, axis=-1).astype("int32")
    beyond = jnp.arange(time)[None, :] >= jnp.asarray(sequence_lengths)[:, None]
    best = jnp.where(beyond, blank, best)
    score = -jnp.sum(jnp.where(beyond, 0.0, jnp.max(inputs, axis=-1)), axis=1, keepdims=True)
    if merge_repeated:
        repeated = jnp.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
        best = jnp.where(repeated, blank, best)
    dropped = best == blank
    # A stable sort on "is dropped" moves the kept labels to the front in order.
    order = jnp.argsort(dropped, axis=-1, stable=True)
    decoded = jnp.take_along_axis(jnp.where(dropped, -1, best), order, axis=-1)
    return decoded[None], score


@op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2))."""
    x1, x2 = to_float(x1), to_float(x2)
    if x1.shape != x2.shape:
        raise ValueError(f"psnr(): shapes {x1.shape} and {x2.shape} must match.")
    mse = jnp.mean(jnp.square(x1 - x2))
    return 20 * jnp.log10(jnp.asarray(max_val, x2.dtype)) - 10 * jnp.log10(mse)
