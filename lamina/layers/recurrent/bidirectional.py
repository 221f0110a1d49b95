"""Bidirectional: one copy of a recurrent layer reads forwards, another backwards."""

import jax.numpy as jnp

from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _copy_layer(layer, name, **overrides):
    """A fresh layer of the same class and config (no weights), renamed."""
    return type(layer).from_config({**layer.get_config(), "name": name, **overrides})


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Runs `layer` (an RNN) forwards and a copy of it backwards, then merges the outputs.

    Args:
        layer: the recurrent layer; it is copied (from its config) to `forward_layer`.
        merge_mode: "concat" (default), "sum", "mul", "ave", or None (a list of both).
        backward_layer: optional layer for the backward direction (go_backwards=True);
            by default a copy of `layer` with go_backwards flipped.
        weights: optional initial weights (forward's then backward's).

    With return_sequences, the backward outputs are flipped back into time order before
    merging. With return_state, the forward states then the backward states follow.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError("Bidirectional needs a recurrent layer instance (e.g. LSTM(...)) "
                             f"as `layer`, got {layer!r}.")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"Bidirectional: `backward_layer` must be a layer, got {backward_layer!r}.")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: invalid merge_mode {merge_mode!r}; expected one "
                             f"of {_MERGE_MODES}.")
        super().__init__(**kwargs)
        self.forward_layer = _copy_layer(layer, "forward_" + _strip(layer.name, "forward_"))
        if backward_layer is None:
            backward_layer = _copy_layer(layer, "backward_" + _strip(layer.name, "backward_"),
                                         go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        for attr in ("go_backwards", "return_sequences", "return_state", "stateful"):
            same = getattr(self.forward_layer, attr) == getattr(self.backward_layer, attr)
            if same == (attr == "go_backwards"):
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have "
                    f"{'different' if attr == 'go_backwards' else 'the same'} `{attr}`.")
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(sequences_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(sequences_shape)
        states = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (shape[-1] * 2,)
        if self.merge_mode is None:
            return [shape, shape] + list(states * 2)
        return (shape,) + states * 2 if self.return_state else shape

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * (2 * len(self.forward_layer.state_size))
        return masks if self.merge_mode is None else output_mask

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return jnp.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_accepts("training"):
            kwargs["training"] = training
        if mask is not None and self.forward_layer._call_accepts("mask"):
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = jnp.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.merge_mode is None:
            return output + list(states) if self.return_state else output
        return (output,) + states if self.return_state else output

    # -- stateful -------------------------------------------------------------------------
    @property
    def states(self):
        """The forward layer's state Variables then the backward layer's (stateful only)."""
        forward, backward = self.forward_layer.states, self.backward_layer.states
        if forward and backward:
            return tuple(forward) + tuple(backward)
        return None

    def reset_states(self, states=None):
        """Zero both directions' states, or set them to `states` (forward's then backward's)."""
        self.reset_state(states)

    def reset_state(self, states=None):
        """Alias of `reset_states` (Keras 3's name)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if states is None:
            self.forward_layer.reset_state()
            self.backward_layer.reset_state()
            return
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        half = len(self.forward_layer.state_size)
        if len(states) != 2 * half:
            raise ValueError(f"Bidirectional '{self.name}': reset_states() expects {2 * half} "
                             f"state arrays (forward's then backward's), got {len(states)}.")
        self.forward_layer.reset_state(states[:half])
        self.backward_layer.reset_state(states[half:])

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.layer_serialization import deserialize_layer

        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_layer(backward, custom_objects=custom_objects)
        return cls(**config)
