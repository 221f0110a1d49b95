"""RNN: runs a cell over the time axis of (batch, steps, features) sequences."""

import jax.numpy as jnp

from lamina.core import tree
from lamina.core.layer import Layer, _bump_structure
from lamina.layers.recurrent import stateful as stateful_states
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
        stateful: carry the final states of a batch into the next call (batch i of one
            call continues sample i of the previous one); needs a fixed batch size
            (`Input(batch_shape=...)`). `reset_states()` zeroes them.
        unroll: unroll the scan (short sequences).
        zero_output_for_mask: masked steps output zeros instead of the previous output.

    Call: `layer(sequences, initial_state=None, mask=None, training=None)`; mask is a
    (batch, steps) boolean array (True = real step); masked steps keep the state.
    """

    _untracked = frozenset({"states"})  # layer state, never weights (see _state_variables)

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
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.states = None  # the stateful layer's state Variables, made by build()
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
        if self.stateful:
            if self.states is not None:
                self.reset_states()
            else:
                stateful_states.require_static_batch(sequences_shape)
                self.states = stateful_states.create_state_variables(
                    self, self.get_initial_state(sequences_shape[0]), self.variable_dtype)
                _bump_structure()  # the model's variable lists change

    # -- stateful -------------------------------------------------------------------------
    def _state_variables(self):
        return tree.flatten(self.states) if self.states is not None else []

    def reset_states(self, states=None):
        """Set a stateful layer's states back to zeros, or to `states` (one array per
        state, each (batch, units))."""
        self.reset_state(states)

    def reset_state(self, states=None):
        """Alias of `reset_states` (Keras 3's name)."""
        if self.states is not None:
            stateful_states.reset_states(self, self.states, states)

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

    def _output_init(self, batch, states):
        """Zeros shaped like one step's output (what an all-masked sequence returns)."""
        return jnp.zeros((batch, self.output_size), self.compute_dtype)

    def _step(self, sequences, training):
        make = getattr(self.cell, "step_function", None)
        if make is not None:  # lamina's cells: weights and dropout masks fixed outside the scan
            return make(sequences.shape[0], sequences.shape[-1], sequences.dtype, training)
        return generic_step(self.cell, training)

    def _scan(self, sequences, states, mask, training):
        scan_inputs = getattr(self.cell, "sequence_step", None)
        if scan_inputs is not None:  # the cell transforms all steps' inputs before the loop
            sequences, step = scan_inputs(sequences, training)
        else:
            step = self._step(sequences, training)
        output_init = self._output_init(sequences.shape[0], states)
        return run_rnn(
            step, sequences, states, output_init, mask=mask, go_backwards=self.go_backwards,
            unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of shape "
                             f"(batch, steps, features), got {tuple(sequences.shape)}.")
        if self.stateful:
            expected = tree.flatten(self.states)[0].shape[0] if self.states else None
            stateful_states.check_batch(self, sequences.shape[0], expected)
            if initial_state is None:
                initial_state = tree.map_structure(lambda v: v.value, self.states)
        states = self._initial_states(initial_state, sequences)
        if mask is not None:
            mask = tree.flatten(mask)[0]
        result = None
        whole = getattr(self.cell, "run_sequence", None)
        if whole is not None and not self.unroll:
            # The cell runs the whole sequence itself (LSTM: a faster backward pass).
            result = whole(sequences, states, bool(training), self.go_backwards,
                           self.return_sequences, mask=mask,
                           zero_output_for_mask=self.zero_output_for_mask)
        if result is None:
            result = self._scan(sequences, states, mask, bool(training))
        last, outputs, states = result
        if self.stateful:
            stateful_states.assign_states(self.states, states)
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
