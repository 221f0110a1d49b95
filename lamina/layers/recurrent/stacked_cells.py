"""StackedRNNCells: several cells run as one, each feeding its output to the next."""

import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object


def generic_step(cell, training):
    """`step(inputs_t, states)` calling any cell object (lamina's or a user's)."""
    accepts = isinstance(cell, Layer) and cell._call_accepts("training")
    kwargs = {"training": training} if accepts else {}
    call = cell if isinstance(cell, Layer) else cell.call
    return lambda inputs_t, states: call(inputs_t, states, **kwargs)


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        state = cell.state_size
        size = state[0] if isinstance(state, (list, tuple)) else state
    return size


class StackedRNNCells(Layer):
    """Wraps a list of cells; `state_size` lists each cell's, states are per cell."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
                raise ValueError("StackedRNNCells: every cell needs a `call` method and a "
                                 f"`state_size`; got {cell!r}.")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states.append(make(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(jnp.zeros((batch_size, cell.state_size), self.compute_dtype))
            else:
                states.append([jnp.zeros((batch_size, d), self.compute_dtype)
                               for d in cell.state_size])
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:  # weights: rnn/stacked_rnn_cells/lstm_cell/kernel
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
            shape = shape[:-1] + (_output_size(cell),)

    def step_function(self, batch, input_dim, dtype, training=False):
        """One step of every cell in turn (their dropout masks drawn now)."""
        steps = []
        for cell in self.cells:
            make = getattr(cell, "step_function", None)
            steps.append(make(batch, input_dim, dtype, training) if make is not None
                         else generic_step(cell, training))
            input_dim = _output_size(cell)

        def step(inputs_t, states):
            new_states, output = [], inputs_t
            for fn, cell_states in zip(steps, states):
                nested = isinstance(cell_states, (list, tuple))
                output, new = fn(output, list(cell_states) if nested else [cell_states])
                new = list(new) if isinstance(new, (list, tuple)) else [new]
                new_states.append(new if nested else new[0])
            return output, new_states

        return step

    def call(self, inputs, states, training=False):
        step = self.step_function(inputs.shape[0], inputs.shape[-1], inputs.dtype, training)
        return step(inputs, list(states))

    def get_config(self):
        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.layer_serialization import deserialize_layer

        config = dict(config)
        cells = [deserialize_layer(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
