"""Checks of fit / evaluate / predict arguments and labels, each failing with an error that
names the argument, what was expected and what was received."""

import difflib
import numbers

import numpy as np

from lamina.training.compile_utils import flatten_targets, is_sparse_loss


def check_loop_arguments(what, batch_size=None, shuffle=False, steps=None, epochs=None):
    """`batch_size`, `steps`/`steps_per_epoch` and `epochs` are integers, `shuffle` a bool."""
    for name, value, low in (("batch_size", batch_size, 1), ("steps", steps, 1),
                             ("epochs", epochs, 0)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{what}: `{name}` must be an integer; received {value!r} "
                            f"({type(value).__name__}).")
        if value < low:
            raise ValueError(f"{what}: `{name}` must be {'positive' if low else 'non-negative'}; "
                             f"received {value}.")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"{what}: `shuffle` must be True or False; received {shuffle!r} "
                        f"({type(shuffle).__name__}).")


def check_input_keys(model, x, what):
    """A dict `x` names only the model's inputs (Keras ignores other keys silently; a typo
    there would leave an input unfed or feed the wrong one)."""
    if not isinstance(x, dict):
        return
    names = model._input_keys(x)
    if not names:
        return
    unknown = [k for k in x if k not in names]
    if unknown:
        hints = [f"'{k}' (did you mean '{m[0]}'?)" if (m := difflib.get_close_matches(
            str(k), [str(n) for n in names], 1)) else f"'{k}'" for k in unknown]
        raise ValueError(f"{what}: `x` has key(s) {', '.join(hints)} that are not inputs of "
                         f"model '{model.name}'; its inputs are named {list(names)}.")


def check_numeric(value, name, what):
    """Arrays fed to XLA must be numbers or booleans."""
    for leaf in _leaves(value):
        dtype = getattr(leaf, "dtype", None)
        if dtype is not None and np.dtype(dtype).kind in "USOV":
            raise TypeError(f"{what}: `{name}` must hold numbers; received an array of dtype "
                            f"{np.dtype(dtype)} (e.g. {np.asarray(leaf).ravel()[:1].tolist()}). "
                            "Convert strings to numbers first (e.g. with a lookup layer).")


def check_sparse_labels(compile_loss, y_pred_spec, y, what, batch=None):
    """Labels of sparse crossentropy losses lie in [0, classes); checked on the host (labels
    are small next to inputs). `batch`: the batch index, named in the error."""
    if compile_loss is None or y is None or not compile_loss.built:
        return
    names = compile_loss.output_names
    preds = flatten_targets(y_pred_spec, names, "predictions")
    targets = flatten_targets(y, names, "y")
    for name, loss, pred, t in zip(names, compile_loss.losses, preds, targets):
        if loss is None or t is None or not is_sparse_loss(loss):
            continue
        t = np.asarray(t)
        classes = pred.shape[-1]
        ignore = getattr(loss, "ignore_class", None)
        valid = t if ignore is None else t[t != ignore]
        if valid.size and (valid.min() < 0 or valid.max() >= classes):
            where = "" if batch is None else f" (batch {batch})"
            raise ValueError(
                f"{what}: labels for output '{name}'{where} must be integers in [0, {classes}) "
                f"for '{getattr(loss, 'name', loss)}' (the output has {classes} classes), but "
                f"they range over [{valid.min()}, {valid.max()}].")


def _leaves(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return [l for v in value.values() for l in _leaves(v)]
    if isinstance(value, (list, tuple)):
        return [l for v in value for l in _leaves(v)]
    return [value]
