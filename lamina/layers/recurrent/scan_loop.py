"""The recurrence over time: one `lax.scan` of a cell's step, with Keras's mask rules."""

import jax
import jax.numpy as jnp
from jax import lax

from lamina.core import tree


def _time_major(x):
    return jnp.swapaxes(x, 0, 1)


def _previous_output(states):
    """What a masked step outputs (Keras): the first state, i.e. the previous output of a
    standard cell; for stacked cells, the first state of the last cell."""
    first = states[0]
    if isinstance(first, (list, tuple)):
        return tree.flatten(states[-1])[0]
    return first


def _keep(mask_t, like):
    return jnp.reshape(mask_t, mask_t.shape + (1,) * (like.ndim - 1))


def run_rnn(step, inputs, initial_states, output_init, mask=None, go_backwards=False,
            unroll=False, zero_output_for_mask=False, return_sequences=True):
    """Apply `step(inputs_t, states) -> (output_t, new_states)` along axis 1 of `inputs`.

    Args:
        inputs: (batch, steps, ...) per-step inputs (a pytree of such arrays is allowed).
        initial_states: the states' structure and initial values.
        output_init: zeros shaped like one step's output (the last output of an empty run).
        mask: optional (batch, steps) booleans. A masked step leaves the states unchanged
            and outputs zeros (zero_output_for_mask) or the previous output.
        go_backwards: process the steps last to first; outputs are in processing order.
        unroll: unroll the loop (faster for short sequences, slower to compile).

    Returns:
        `(last_output, outputs, final_states)`; outputs is (batch, steps, ...) when
        return_sequences, else None.
    """
    xs = jax.tree_util.tree_map(_time_major, inputs)
    steps = jax.tree_util.tree_leaves(xs)[0].shape[0]
    if mask is not None:
        mask = jnp.asarray(mask).astype(bool)
        xs = (xs, _time_major(mask))

    def body(carry, x):
        states, _ = carry
        x_t, mask_t = x if mask is not None else (x, None)
        output, new_states = step(x_t, states)
        new_states = tree.pack_sequence_as(states, tree.flatten(new_states))
        if mask_t is not None:
            previous = jnp.zeros_like(output) if zero_output_for_mask else _previous_output(states)
            output = jnp.where(_keep(mask_t, output), output, previous.astype(output.dtype))
            new_states = jax.tree_util.tree_map(
                lambda new, old: jnp.where(_keep(mask_t, new), new, old), new_states, states)
        return (new_states, output), (output if return_sequences else None)

    (final_states, last), outputs = lax.scan(
        body, (initial_states, output_init), xs, reverse=go_backwards,
        unroll=max(1, steps) if unroll else 1)
    if return_sequences:
        if go_backwards:
            outputs = jnp.flip(outputs, axis=0)
        outputs = _time_major(outputs)
    return last, (outputs if return_sequences else None), final_states
