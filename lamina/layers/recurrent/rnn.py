"""RNN: runs a cell over the time axis of (batch, steps, features) sequences."""

import jax.numpy as jnp

from lamina.core import tree
from lamina.core.layer import Layer
from lamina.layers.recurrent.scan_loop import run_rnn
from lamina.layers.recurrent.stacked_cells import StackedRNNCells, generic_step
from lamina.core.serialization.serialization import serialize_keras_object


def _sizes(state_size):
    return list(state_size) if isinstance(state_size, (list, tuple)) else [state_size]


class RNN(Layer):
    """Base recurrent layer: applies `cell` to each time step with `jax.lax.scan`.

    Args:
        cell: an object with `call(inputs_t, states, training=...)` -> (output, new_states)
            and `state_size` (an int or a list of ints; nested for stacked cells), or a list
            of cells (stacked with StackedRNNCells).
        return_sequences: output every step (batch, steps, units) instead of the last.
        return_state: also return the final states: `[output, *states]`.
        go_backwards: process the sequence last step first (outputs in that order).
        stateful: not supported (lamina raises ValueError): pass `initial_state` instead.
        unroll: unroll the scan (short sequences).
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Call: `layer(sequences, initial_state=None, mask=None, training=None)`; mask is a
    (batch, steps) boolean array (True = real step); masked steps keep the state.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"RNN: `cell` needs a `call` method, got {cell!r}.")
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (int, list, tuple)):
            raise ValueError("RNN: the cell needs a `state_size` attribute: an int or a list "
                             f"of ints (one per state), got {state_size!r}.")
        super().__init__(**kwargs)
        if stateful:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': stateful=True is not supported by "
                "lamina. Carry the state yourself: return_state=True and pass the states "
                "back as `initial_state=` on the next call.")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.state_size = _sizes(state_size)
        self.single_state = isinstance(state_size, int)

    @property
    def output_size(self):
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self.state_size[0]
        return size

    # -- shapes ---------------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        if self.return_sequences:
            output = (batch, steps, self.output_size)
        else:
            output = (batch, self.output_size)
        if not self.return_state:
            return output
        states = [(batch, s) if isinstance(s, int) else [(batch, d) for d in s]
                  for s in self.state_size]
        return (output, *states)

    def compute_mask(self, inputs, mask=None):
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) < 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of shape "
                             f"(batch, steps, features), got {tuple(sequences_shape)}.")
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0],) + tuple(sequences_shape[2:]))

    # -- running --------------------------------------------------------------------------
    def get_initial_state(self, batch_size):
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [jnp.zeros((batch_size, d), self.compute_dtype) for d in self.state_size]

    def _initial_states(self, initial_state, sequences):
        if initial_state is None:
            states = self.get_initial_state(sequences.shape[0])
        elif isinstance(initial_state, (list, tuple)):
            states = list(initial_state)
        else:
            states = [initial_state]
        if len(states) != len(self.state_size):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {len(self.state_size)} initial "
                f"state(s), got {len(states)}.")
        return tree.map_structure(lambda s: jnp.asarray(s, self.compute_dtype), states)

    def _step(self, sequences, training):
        make = getattr(self.cell, "step_function", None)
        if make is not None:  # lamina's cells: weights and dropout masks fixed outside the scan
            return make(sequences.shape[0], sequences.shape[-1], sequences.dtype, training)
        return generic_step(self.cell, training)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of shape "
                             f"(batch, steps, features), got {tuple(sequences.shape)}.")
        states = self._initial_states(initial_state, sequences)
        if mask is not None:
            mask = tree.flatten(mask)[0]
        step = self._step(sequences, bool(training))
        output_init = jnp.zeros((sequences.shape[0], self.output_size), self.compute_dtype)
        last, outputs, states = run_rnn(
            step, sequences, states, output_init, mask=mask, go_backwards=self.go_backwards,
            unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences)
        output = outputs if self.return_sequences else last
        return (output, *states) if self.return_state else output

    # -- config ---------------------------------------------------------------------------
    def _rnn_config(self):
        return {**Layer.get_config(self), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}

    def get_config(self):
        return {**self._rnn_config(), "cell": serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.layer_serialization import deserialize_layer

        config = dict(config)
        cell = config.pop("cell")
        if isinstance(cell, dict):
            cell = deserialize_layer(cell, custom_objects=custom_objects)
        return cls(cell, **config)
