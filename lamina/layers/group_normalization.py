"""GroupNormalization: each sample's channels normalized in groups (no batch statistics)."""

import jax
import jax.numpy as jnp

from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.kernel_options import options_config, set_options
from lamina.layers.normalization import GAMMA_BETA_OPTIONS, axes_in_range


class GroupNormalization(Layer):
    """Split the channels (`axis`, default -1) into `groups` groups and normalize each
    sample's group by its own mean and variance: (x - mean) / sqrt(var + epsilon), then
    scale by gamma and shift by beta (one per channel).

    groups: divides the channel count (default 32); -1 means one group per channel
    (instance normalization).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or not (groups > 0 or groups == -1):
            raise ValueError(f"GroupNormalization '{self.name}': groups must be a positive "
                             f"int (or -1 for instance normalization), got {groups!r}.")
        if not isinstance(axis, int):
            raise ValueError(f"GroupNormalization '{self.name}': axis must be an int, got "
                             f"{axis!r}.")
        self.groups, self.axis, self.epsilon = groups, axis, float(epsilon)
        self.center, self.scale = center, scale
        self.supports_masking = True
        set_options(self, beta_initializer=beta_initializer,
                    gamma_initializer=gamma_initializer, beta_regularizer=beta_regularizer,
                    gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                    gamma_constraint=gamma_constraint)

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = axes_in_range(self, [self.axis], ndim)[0]
        channels = input_shape[axis]
        kind = f"GroupNormalization '{self.name}'"
        if channels is None:
            raise ValueError(f"{kind} needs a known size on axis {self.axis}, got input shape "
                             f"{tuple(input_shape)}.")
        groups = channels if self.groups == -1 else self.groups
        if groups > channels or channels % groups:
            raise ValueError(f"{kind}: the number of channels ({channels}) must be a multiple "
                             f"of the number of groups ({groups}).")
        self._group_count = groups
        self.gamma = self.add_weight(shape=(channels,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, name="gamma") \
            if self.scale else None
        self.beta = self.add_weight(shape=(channels,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, name="beta") \
            if self.center else None
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})

    def call(self, inputs):
        axis = self.axis % inputs.ndim
        x = inputs.astype(jnp.float32) if inputs.dtype in (jnp.float16, jnp.bfloat16) \
            else inputs
        grouped = jnp.reshape(x, x.shape[:axis] + (self._group_count, -1) +
                              x.shape[axis + 1:])
        reduce = tuple(a for a in range(1, grouped.ndim) if a != axis)
        mean = jnp.mean(grouped, axis=reduce, keepdims=True)
        variance = jnp.var(grouped, axis=reduce, keepdims=True)
        normalized = (grouped - mean) * jax.lax.rsqrt(variance + self.epsilon)
        # Per-channel scale and shift, with the channels moved last to broadcast.
        out = jnp.moveaxis(jnp.reshape(normalized, x.shape), axis, -1)
        out = out * self.gamma.value if self.gamma is not None else out
        out = out + self.beta.value if self.beta is not None else out
        return jnp.moveaxis(out, -1, axis).astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **options_config(self, GAMMA_BETA_OPTIONS)}
