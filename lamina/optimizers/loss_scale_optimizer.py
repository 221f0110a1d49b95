"""LossScaleOptimizer: dynamic loss scaling around another optimizer, for float16 training.

The loss is multiplied by `dynamic_scale` before differentiation (`scale_loss`) so small
float16 gradients do not flush to zero; the gradients are divided by it again before the
inner optimizer uses them. A step whose gradients hold an inf or NaN is skipped (variables
and the inner optimizer's state unchanged) and the scale is halved; after
`dynamic_growth_steps` finite steps in a row the scale doubles.
"""

import jax
import jax.numpy as jnp

from lamina.core import naming
from lamina.core.variable import Variable
from lamina.optimizers.optimizer import Optimizer

_OWN = 4  # iteration, learning_rate (unused, as Keras keeps them), step_counter, dynamic_scale


class LossScaleOptimizer(Optimizer):
    """Args:
        inner_optimizer: the Optimizer that applies the unscaled gradients.
        initial_scale: the starting loss scale, 2**15 by default.
        dynamic_growth_steps: finite steps after which the scale doubles, 2000 by default.
        name: default "loss_scale_optimizer".
    """

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000,
                 name=None, **kwargs):
        if kwargs:
            raise ValueError("LossScaleOptimizer does not support arguments: "
                             f"`{', '.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError("LossScaleOptimizer: `inner_optimizer` must be an Optimizer "
                            f"instance; received {inner_optimizer!r}.")
        if not dynamic_growth_steps >= 1:
            raise ValueError("LossScaleOptimizer: `dynamic_growth_steps` must be >= 1; "
                             f"received {dynamic_growth_steps}.")
        super().__init__(learning_rate=0.0, name=name or "loss_scale_optimizer")
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        with naming.name_scope(self.name):
            self.step_counter = Variable(0, dtype="int32", trainable=False, name="step_counter")
            self.dynamic_scale = Variable(self.initial_scale, dtype="float32", trainable=False,
                                          name="dynamic_scale")
        self._own = self._variables + [self.step_counter, self.dynamic_scale]
        self._variables = self._own + inner_optimizer.variables

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        self.inner_optimizer.build(var_list)
        self._trainable_variables = var_list[:]
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        self._variables = self._own + self.inner_optimizer.variables
        self.built = True

    # -- the step ---------------------------------------------------------------------
    def _apply_values(self, optimizer_variables, grads, trainable_variables, warn_missing):
        self._check_values(optimizer_variables, trainable_variables)
        values = list(optimizer_variables)
        own, inner = values[:_OWN], values[_OWN:]
        counter, scale = jnp.asarray(own[2]), jnp.asarray(own[3])
        params = [jnp.asarray(p) for p in trainable_variables]
        present = [g for g in grads if g is not None]
        finite = jnp.all(jnp.stack([jnp.all(jnp.isfinite(g)) for g in present])) if present \
            else jnp.bool_(True)

        def step():
            unscaled = [None if g is None else jnp.asarray(g) / scale.astype(jnp.asarray(g).dtype)
                        for g in grads]
            new_params, new_inner = self.inner_optimizer._apply_values(
                inner, unscaled, params, warn_missing)
            grow = counter + 1 >= self.dynamic_growth_steps
            new_counter = jnp.where(grow, 0, counter + 1).astype(jnp.int32)
            new_scale = jnp.where(grow, scale * 2, scale).astype(jnp.float32)
            return ([_like(n, p) for n, p in zip(new_params, params)],
                    [_like(n, o) for n, o in zip(new_inner, inner)], new_counter, new_scale)

        def skip():
            return (params, [jnp.asarray(o) for o in inner], jnp.int32(0),
                    (scale / 2).astype(jnp.float32))

        new_params, new_inner, new_counter, new_scale = jax.lax.cond(finite, step, skip)
        return new_params, [own[0], own[1], new_counter, new_scale] + list(new_inner)

    def scale_loss(self, loss):
        """`loss * dynamic_scale` (the scale the optimizer's state holds)."""
        scale = self.dynamic_scale.value if self.built else self.initial_scale
        return loss * jnp.asarray(scale, jnp.asarray(loss).dtype)

    # -- delegated to the inner optimizer ---------------------------------------------
    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if "inner_optimizer" in self.__dict__:
            self.inner_optimizer.learning_rate = value
        else:  # the base constructor's own placeholder rate
            Optimizer.learning_rate.fset(self, value)

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def keras_variable_layout(self):
        """Keras 3's order: this optimizer's four variables, then the inner optimizer's."""
        return self._own + list(self.inner_optimizer.keras_variable_layout())

    def _sync_counts(self):
        self.inner_optimizer._sync_counts()

    # -- config -----------------------------------------------------------------------
    def get_config(self):
        from lamina.optimizers.registry import serialize

        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.optimizers.registry import deserialize

        config = dict(config)
        config["inner_optimizer"] = deserialize(config["inner_optimizer"], custom_objects)
        return cls(**config)


def _like(new, old):
    return jnp.asarray(new, dtype=jnp.asarray(old).dtype)
