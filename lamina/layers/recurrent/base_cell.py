"""What SimpleRNNCell, LSTMCell and GRUCell share: weight options, dropout masks, and the
step function that the RNN's scan runs (weights and dropout masks fixed outside it)."""

import inspect

import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.core.layer import Layer
from lamina.random.hash_bits import keep_mask
from lamina.random.seed_generator import SeedGenerator
from lamina.core.serialization.serialization import serialize_keras_object

_OPTIONS = {
    "kernel_initializer": initializers.get, "recurrent_initializer": initializers.get,
    "bias_initializer": initializers.get, "kernel_regularizer": regularizers.get,
    "recurrent_regularizer": regularizers.get, "bias_regularizer": regularizers.get,
    "kernel_constraint": constraints.get, "recurrent_constraint": constraints.get,
    "bias_constraint": constraints.get,
}


def recurrent_cell_arguments(local_vars):
    """RecurrentCell's __init__ arguments read from a subclass __init__'s `locals()`
    (its own extra arguments left out), with its **kwargs merged in."""
    names = inspect.signature(RecurrentCell.__init__).parameters
    args = {k: v for k, v in local_vars.items() if k in names and k not in ("self", "kwargs")}
    return {**args, **local_vars["kwargs"]}


class RecurrentCell(Layer):
    """A cell computes one time step: `call(inputs, states, training)` ->
    `(output, new_states)`, inputs (batch, features), states a list of (batch, units).

    Subclasses set `gates` (how many units-wide blocks the kernels hold) and define
    `_recurrent_step(projected_t, states, recurrent_mask, context) -> (output, new_states)`,
    where projected_t = inputs_t @ kernel + bias (batch, gates * units).
    Dropout draws one mask per sequence (shared by every step) from `seed_generator`.
    """

    gates = 1
    fused_step = False  # True: `_gate_step(z, states)` on z = [x_t, h] @ [kernel; recurrent]

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': units must be a positive "
                             f"int, got {units!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        options = dict(
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint)
        for name, value in options.items():
            setattr(self, name, _OPTIONS[name](value))
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.dropout or self.recurrent_dropout \
            else None

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_initializer(self):
        return self.bias_initializer

    def _bias_shape(self):
        return (self.gates * self.units,)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs a known feature "
                             f"dimension, got input shape {tuple(input_shape)}.")
        width = self.gates * self.units
        self.kernel = self.add_weight(
            shape=(input_dim, width), initializer=self.kernel_initializer, name="kernel",
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), initializer=self.recurrent_initializer,
            name="recurrent_kernel", regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(), initializer=self._bias_initializer(), name="bias",
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    # -- dropout ------------------------------------------------------------------------
    def _dropout_scale(self, rate, shape, dtype):
        keep = keep_mask(self.seed_generator.next_state(), shape, 1.0 - rate)
        return jnp.where(keep, jnp.asarray(1.0 / (1.0 - rate), dtype), jnp.zeros((), dtype))

    def dropout_masks(self, batch, input_dim, dtype, training):
        """(input mask (batch, input_dim), recurrent mask (batch, units)), scaled by
        1 / (1 - rate); None where no dropout applies."""
        if not training:
            return None, None
        in_mask = rec_mask = None
        if 0.0 < self.dropout < 1.0:
            in_mask = self._dropout_scale(self.dropout, (batch, input_dim), dtype)
        if 0.0 < self.recurrent_dropout < 1.0:
            rec_mask = self._dropout_scale(self.recurrent_dropout, (batch, self.units), dtype)
        return in_mask, rec_mask

    # -- one step -------------------------------------------------------------------------
    def _input_bias(self):
        return None if self.bias is None else self.bias.value

    def step_function(self, batch, input_dim, dtype, training=False):
        """`step(inputs_t, states) -> (output, new_states)` on (batch, features) inputs,
        with this call's dropout masks drawn now (the same at every step). The weights are
        read once, outside the loop that runs the step."""
        in_mask, rec_mask = self.dropout_masks(batch, input_dim, dtype, training)
        kernel, bias, context = self.kernel.value, self._input_bias(), self._step_context()
        if self.fused_step:
            # One matmul per step: [x_t, h] @ [kernel; recurrent_kernel] (SimpleRNN; for the
            # 4-gate LSTM two matmuls train faster, see lstm.py).
            stacked = jnp.concatenate([kernel, context["recurrent_kernel"]], axis=0)

            def fused(inputs_t, states):
                h = states[0] if rec_mask is None else states[0] * rec_mask
                if in_mask is not None:
                    inputs_t = inputs_t * in_mask
                z = jnp.concatenate([inputs_t, h.astype(inputs_t.dtype)], axis=-1) @ stacked
                return self._gate_step(z if bias is None else z + bias, states)

            return fused

        def step(inputs_t, states):
            if in_mask is not None:
                inputs_t = inputs_t * in_mask
            projected = inputs_t @ kernel  # per step: faster on XLA:CPU than one hoisted matmul
            if bias is not None:
                projected = projected + bias
            return self._recurrent_step(projected, states, rec_mask, context)

        return step

    def _recurrent_step(self, projected_t, states, recurrent_mask, context):
        """The unfused form of a `_gate_step` cell: z = projected_t + h @ recurrent_kernel."""
        h = states[0] if recurrent_mask is None else states[0] * recurrent_mask
        return self._gate_step(projected_t + h @ context["recurrent_kernel"], states)

    def _step_context(self):
        """Values the recurrence reads, read once outside the scan."""
        return {"recurrent_kernel": self.recurrent_kernel.value}

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        state_list = list(states) if nested else [states]
        step = self.step_function(inputs.shape[0], inputs.shape[-1], inputs.dtype, training)
        output, new_states = step(inputs, state_list)
        if not nested and len(new_states) == 1:
            return output, new_states[0]
        return output, new_states

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [jnp.zeros((batch_size, d), self.compute_dtype) for d in sizes]

    def get_config(self):
        config = {**super().get_config(), "units": self.units,
                  "activation": activations.serialize(self.activation), "use_bias": self.use_bias}
        for name in _OPTIONS:
            config[name] = serialize_keras_object(getattr(self, name))
        config.update({"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                       "seed": self.seed})
        return config

