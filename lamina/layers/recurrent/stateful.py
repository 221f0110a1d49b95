"""The carried states of a `stateful=True` recurrent layer: non-trainable Variables sized by
the fixed batch size, read as the initial state of every call and assigned its final state.

They are layer state, not weights (Keras keeps them out of `weights` and weight files): the
layer lists them in `_state_variables()`, so they travel with the non-trainable values
through `stateless_call` and the compiled train/test/predict steps.
"""

import jax.numpy as jnp
import numpy as np

from lamina.core import naming, tree
from lamina.core.variable import Variable


def require_static_batch(sequences_shape):
    if sequences_shape[0] is None:
        raise ValueError(
            "When using `stateful=True` in a RNN, the batch size must be static. Found "
            f"dynamic batch size: sequence.shape={tuple(sequences_shape)}. Give the model "
            "`Input(batch_shape=(batch, steps, features))` or `batch_size=` on the input.")


def create_state_variables(layer, initial_states, dtype):
    """Variables "rnn_state" (non-trainable) holding `initial_states` (a nested list)."""
    with naming.own_scope(layer.name):
        return tree.map_structure(
            lambda value: Variable(jnp.asarray(value), dtype=dtype, trainable=False,
                                   name="rnn_state"),
            initial_states)


def check_batch(layer, batch, expected):
    if batch is not None and expected is not None and batch != expected:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': if an RNN is stateful, the batch size of "
            "the input sequences must be the same as the batch size of the initial state.\n"
            f"- Expected batch size: {expected}\n- Received batch size: {batch}")


def assign_states(variables, values):
    for variable, value in zip(tree.flatten(variables), tree.flatten(values)):
        variable.assign(value)


def reset_states(layer, variables, states=None):
    """Set the state Variables back to zeros, or to `states` (one array per state, in the
    layer's state order; a single array for a one-state layer)."""
    flat = tree.flatten(variables)
    if states is None:
        for variable in flat:
            variable.assign(jnp.zeros(variable.shape, variable.dtype))
        return
    values = tree.flatten(states) if isinstance(states, (list, tuple)) else [states]
    if len(values) != len(flat):
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': reset_states() expects {len(flat)} "
            f"state array(s), got {len(values)}.")
    for i, (variable, value) in enumerate(zip(flat, values)):
        shape = tuple(np.shape(value))
        if shape != tuple(variable.shape):
            raise ValueError(
                f"{type(layer).__name__} '{layer.name}': state {i} must have shape "
                f"{tuple(variable.shape)}, got an array of shape {shape}.")
        variable.assign(jnp.asarray(value, variable.dtype))
