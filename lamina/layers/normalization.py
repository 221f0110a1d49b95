"""Normalization layers: BatchNormalization, LayerNormalization, RMSNormalization; the
helpers the other normalization layers share."""

import jax
import jax.numpy as jnp

from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.kernel_options import options_config, set_options
from lamina.ops._batch_norm_grad import batch_norm_training

GAMMA_BETA_OPTIONS = ("beta_initializer", "gamma_initializer", "beta_regularizer",
                      "gamma_regularizer", "beta_constraint", "gamma_constraint")


def _axes(axis, ndim):
    axis = [axis] if isinstance(axis, int) else list(axis)
    return sorted(a % ndim for a in axis)


def axes_in_range(layer, axes, ndim):
    """`axes` (ints, negative allowed) as sorted non-negative axes of an ndim-D input."""
    if any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': axis {axes} is out of "
                         f"range for {ndim}-D inputs.")
    return sorted(a % ndim for a in axes)


def _masked_moments(x, mask, axes):
    """Mean and variance over `axes` of the entries whose `mask` (x's shape without the
    last axis) is true, keepdims; as Keras, the weight sum gets 1e-7 added."""
    weights = jnp.broadcast_to(mask[..., None], x.shape).astype(bool)
    count = jnp.sum(weights.astype(x.dtype), axis=axes, keepdims=True) + 1e-7
    mean = jnp.sum(jnp.where(weights, x, 0.0), axis=axes, keepdims=True) / count
    centred = jnp.where(weights, x - mean, 0.0)
    return mean, jnp.sum(jnp.square(centred), axis=axes, keepdims=True) / count


class BatchNormalization(Layer):
    """Normalize with the batch's mean and variance in training and with moving averages
    (updated as `moving = moving * momentum + batch * (1 - momentum)`) at inference.

    axis: the feature axis (default -1). gamma/beta/moving_mean/moving_variance have the
    feature dims' shape.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        # Batch renormalization is not implemented: refuse it rather than ignore it.
        for option, value, default in (("renorm", renorm, False),
                                       ("renorm_clipping", renorm_clipping, None),
                                       ("renorm_momentum", renorm_momentum, 0.99)):
            if value != default:
                raise ValueError(f"BatchNormalization '{self.name}': {option}={value!r} is not "
                                 f"supported by lamina (batch renormalization); expected "
                                 f"{option}={default!r}.")
        self.renorm, self.renorm_clipping, self.renorm_momentum = False, None, 0.99
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = center, scale
        set_options(self, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                    moving_mean_initializer=moving_mean_initializer,
                    moving_variance_initializer=moving_variance_initializer,
                    beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                    beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self.synchronized = synchronized
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        self._feature_axes = _axes(self.axis, ndim)
        shape = tuple(input_shape[a] for a in self._feature_axes)
        if any(d is None for d in shape):
            raise ValueError(f"BatchNormalization '{self.name}': the feature axis {self.axis} of "
                             f"input shape {tuple(input_shape)} must be known.")
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, name="gamma") \
            if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, name="beta") \
            if self.center else None
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in self._feature_axes})
        self.built = True

    def _broadcast(self, v, ndim):
        shape = [1] * ndim
        for a, d in zip(self._feature_axes, v.shape):
            shape[a] = d
        return jnp.reshape(v, shape)

    def call(self, inputs, training=False, mask=None):
        ndim = inputs.ndim
        if mask is not None and mask.ndim != ndim - 1:
            raise ValueError(f"BatchNormalization '{self.name}': the mask must have one "
                             f"dimension less than the inputs; got mask shape "
                             f"{tuple(mask.shape)} for inputs of shape {tuple(inputs.shape)}.")
        reduce = tuple(a for a in range(ndim) if a not in self._feature_axes)
        x = inputs.astype(jnp.float32) if inputs.dtype in (jnp.float16, jnp.bfloat16) else inputs
        gamma = self._broadcast(self.gamma.value, ndim) if self.gamma is not None else \
            jnp.ones((), x.dtype)
        beta = self._broadcast(self.beta.value, ndim) if self.beta is not None else \
            jnp.zeros((), x.dtype)
        if not (training and self.trainable):
            mean = self._broadcast(self.moving_mean.value, ndim)
            variance = self._broadcast(self.moving_variance.value, ndim)
            return self._normalize(x, mean, variance, gamma, beta).astype(inputs.dtype)
        if mask is None:
            # The batch's statistics, with a closed-form gradient (see _batch_norm_grad).
            keep = [1 if a in reduce else d for a, d in enumerate(x.shape)]
            out, mean, variance = batch_norm_training(
                x, jnp.broadcast_to(gamma, keep), jnp.broadcast_to(beta, keep), reduce,
                self.epsilon)
        else:
            mean, variance = _masked_moments(x, mask, reduce)
            out = self._normalize(x, mean, variance, gamma, beta)
        mean, variance = (jnp.reshape(v, self.moving_mean.shape) for v in (mean, variance))
        m = self.momentum
        self.moving_mean.assign(self.moving_mean.value * m + mean * (1.0 - m))
        self.moving_variance.assign(self.moving_variance.value * m + variance * (1.0 - m))
        return out.astype(inputs.dtype)

    def _normalize(self, x, mean, variance, gamma, beta):
        scale = jax.lax.rsqrt(variance + self.epsilon) * gamma
        return x * scale + (beta - mean * scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **options_config(self, GAMMA_BETA_OPTIONS + ("moving_mean_initializer",
                                                      "moving_variance_initializer")),
                "renorm": self.renorm, "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum, "synchronized": self.synchronized}

    @classmethod
    def from_config(cls, config):
        """Also reads Keras's config, whose renorm keys must describe renorm switched off."""
        config = dict(config)
        if config.pop("renorm", False):
            raise ValueError("BatchNormalization(renorm=True) (batch renormalization) is not "
                             "supported by lamina.")
        config.pop("renorm_clipping", None)
        config.pop("renorm_momentum", None)
        return cls(**config)


class LayerNormalization(Layer):
    """Normalize each sample over `axis` (default -1): (x - mean) / sqrt(var + epsilon),
    then scale by gamma and shift by beta (shape of the normalized dims)."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        # Keras takes the deprecated rms_scaling by keyword only (not in its signature).
        rms_scaling = kwargs.pop("rms_scaling", False)
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.supports_masking = True
        set_options(self, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                    beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                    beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        self._norm_axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in self._norm_axes)
        self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, name="gamma") \
            if self.scale else None
        self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, name="beta") \
            if self.center and not self.rms_scaling else None
        self.built = True

    def call(self, inputs):
        axes = tuple(self._norm_axes)
        x = inputs.astype(jnp.float32) if inputs.dtype in (jnp.float16, jnp.bfloat16) else inputs
        shape = [1] * x.ndim
        for a in axes:
            shape[a] = x.shape[a]
        if self.rms_scaling:
            # Keras's (deprecated) rms_scaling divides by the standard deviation without
            # centring; kept for identical results. RMSNormalization is the real thing.
            out = x / jnp.sqrt(jnp.var(x, axis=axes, keepdims=True) + self.epsilon)
        else:
            mean = jnp.mean(x, axis=axes, keepdims=True)
            var = jnp.var(x, axis=axes, keepdims=True)
            out = (x - mean) / jnp.sqrt(var + self.epsilon)
        if self.gamma is not None:
            out = out * jnp.reshape(self.gamma.value, shape)
        if self.beta is not None:
            out = out + jnp.reshape(self.beta.value, shape)
        return out.astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                **options_config(self, GAMMA_BETA_OPTIONS)}


class RMSNormalization(Layer):
    """x / sqrt(mean(x**2 over `axis`) + epsilon) * scale. axis default -1, epsilon 1e-6."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        self._norm_axes = _axes(self.axis, len(input_shape))
        self.scale = self.add_weight(shape=tuple(input_shape[a] for a in self._norm_axes),
                                     initializer="ones", name="scale")
        self.built = True

    def call(self, inputs):
        axes = tuple(self._norm_axes)
        shape = [1] * inputs.ndim
        for a in axes:
            shape[a] = inputs.shape[a]
        rms = jnp.sqrt(jnp.mean(jnp.square(inputs), axis=axes, keepdims=True) + self.epsilon)
        return inputs / rms * jnp.reshape(self.scale.value, shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
