"""The Keras-style optimizer API: `build` + `add_variable*` + `update_step`.

An optimizer written the Keras 3 way subclasses `Optimizer`, creates its slots in
`build(var_list)` (after `super().build(var_list)`) with `add_variable_from_reference`
/ `add_variable` / `add_optimizer_variables`, and updates one variable at a time in
`update_step(gradient, variable, learning_rate)` through `self.assign*`.

Such an optimizer has no optax transformation: its state is exactly the Variables it
created, and one step runs `update_step` inside a `StatelessScope` that maps every
model and optimizer Variable to its value, so the same code traces inside the
compiled train step. The scope's assignments are the new values. Around
`update_step` the step does what Keras does for any optimizer, in Keras's order:
loss-scale division, gradient accumulation, clipping, decoupled weight decay,
EMA, constraints, then the iteration counter.
"""

import jax.numpy as jnp

from lamina.core import naming
from lamina.core.stateless_scope import StatelessScope
from lamina.core.variable import Variable
from lamina.distribution.placement import follow_layout
from lamina.optimizers.transforms import gradient_clipping


class KerasStepMixin:
    """What `Optimizer` offers to subclasses that define `update_step` (see module doc)."""

    def update_step(self, gradient, variable, learning_rate):
        """Update `variable` (and this optimizer's slots for it) from `gradient`.

        Override it in a Keras-style subclass, using `self.assign`, `self.assign_add`,
        `self.assign_sub` and `lamina.ops`. `learning_rate` is a scalar float array.
        """
        raise TypeError(
            f"{type(self).__name__} defines no update rule: a Keras-style optimizer must "
            "override `update_step(gradient, variable, learning_rate)`.")

    def _defines_update_step(self):
        return type(self).update_step is not KerasStepMixin.update_step

    # -- variables ----------------------------------------------------------------------
    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        """Position of a model `variable` in the list the optimizer was built with."""
        try:
            return self._trainable_variables_indices[self._var_key(variable)]
        except KeyError:
            raise ValueError(f"Unknown variable: {variable}. This optimizer can only be called "
                             "for the variables it was originally built with.") from None

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     layout=None, name=None):
        """Create an optimizer Variable (non-trainable) and append it to `variables`.

        Args:
            shape: fully defined shape tuple.
            initializer: initializer object or name, "zeros" by default.
            dtype: defaults to `floatx()`.
            aggregation: "none" by default (kept on the Variable).
            layout: a `TensorLayout`/sharding for the Variable, or None.
            name: the Variable's name; its path is `<optimizer name>/<name>`.
        """
        from lamina import backend, initializers

        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', you forgot to call "
                "`super().__init__()` as the first statement in the `__init__()` method.")
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name):
            variable = Variable(initializer, shape=tuple(shape),
                                dtype=dtype or backend.floatx(), trainable=False,
                                aggregation=aggregation, name=name)
        if layout is not None:
            variable._layout = layout
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped and typed like `reference_variable`, named
        `<reference path with '/' -> '_'>_<name>` (name defaults to "var")."""
        name = name or "var"
        ref = getattr(reference_variable, "path", None)
        if ref is None:
            ref = str(reference_variable.name).replace(":", "_")
        variable = self.add_variable(reference_variable.shape, initializer=initializer,
                                     dtype=reference_variable.dtype,
                                     name=f"{ref.replace('/', '_')}_{name}")
        if isinstance(reference_variable, Variable):
            follow_layout(variable, reference_variable)
        return variable

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Slots for each of `trainable_variables`, created interleaved per variable.

        Args:
            trainable_variables: model Variables.
            name: a slot name, or a list of them.
            initializer: one initializer, or one per name.

        Returns:
            A list of Variables for one name; a tuple of such lists for a list of names.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str) or not isinstance(initializer, (list, tuple)):
            inits = [initializer] * len(names)
        else:
            inits = list(initializer)
        if len(names) != len(inits):
            raise ValueError("The number of provided names must match the number of provided "
                             f"initializers.  Received name='{name}', "
                             f"initializer='{initializer}'")
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            for slots, slot_name, init in zip(out, names, inits):
                slots.append(self.add_variable_from_reference(variable, slot_name, init))
        return out[0] if isinstance(name, str) else out

    def assign(self, variable, value):
        """`variable.assign(value)` (recorded by the step's StatelessScope when tracing)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        """`variable.assign_add(value)`."""
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        """`variable.assign_sub(value)`."""
        variable.assign_sub(value)

    # -- build and step ------------------------------------------------------------------
    def _build_keras_style(self, var_list):
        """Base part of a Keras-style `build`: EMA averages and gradient accumulators,
        in Keras's order; the subclass's `build` appends its own slots after them."""
        self._trainable_variables = var_list[:]
        self._trainable_variables_indices = {self._var_key(v): i for i, v in enumerate(var_list)}
        self._var_index = self._trainable_variables_indices
        self._averages = (self.add_optimizer_variables(var_list, "average")
                          if self.use_ema else [])
        self._accumulated_gradients = (
            [self.add_variable_from_reference(v, "gradient_accumulator") for v in var_list]
            if self.gradient_accumulation_steps else [])
        self.built = True

    def _update_step_values(self, values, grads, params):
        """One Keras-style step on values; `grads` holds None for skipped variables."""
        tvars = self._trainable_variables
        mapping = list(zip(tvars, params)) + list(zip(self._variables, values))
        with StatelessScope(mapping) as scope:
            live = [(g, v) for g, v in zip(grads, tvars) if g is not None]
            gs = [g for g, _ in live]
            vs = [v for _, v in live]
            if self.loss_scale_factor is not None:
                gs = [g / self.loss_scale_factor for g in gs]
            steps = self.gradient_accumulation_steps
            if steps:
                is_update = (self._iterations.value + 1) % steps == 0
                accs = [self._accumulated_gradients[self._get_variable_index(v)] for v in vs]
                before = [scope.get_current_value(v) for v in tvars + self._variables]
                new_accs = [jnp.where(is_update, jnp.zeros_like(g), g + a.value)
                            for g, a in zip(gs, accs)]
                gs = [jnp.where(is_update, (g + a.value) / steps, g) for g, a in zip(gs, accs)]
            gs = self._clip_values(gs)
            self._apply_weight_decay(vs)
            learning_rate = self.learning_rate
            for g, v in zip(gs, vs):
                self.update_step(g, v, learning_rate)
            if steps:
                for v, old in zip(tvars + self._variables, before):
                    v.assign(jnp.where(is_update, scope.get_current_value(v), old))
                for a, new in zip(accs, new_accs):
                    a.assign(new)
            if self.use_ema:
                self._update_averages()
            for v in vs:
                if v.constraint is not None:
                    v.assign(v.constraint(v.value))
            self._iterations.assign(self._iterations.value + 1)
            new_params = [scope.get_current_value(v) for v in tvars]
            new_values = [scope.get_current_value(v) for v in self._variables]
        new_params = [jnp.asarray(n, jnp.asarray(o).dtype) for n, o in zip(new_params, params)]
        new_values = [jnp.asarray(n, jnp.asarray(o).dtype) for n, o in zip(new_values, values)]
        return new_params, new_values

    def _clip_values(self, grads):
        clip = gradient_clipping(self.clipnorm, self.clipvalue, self.global_clipnorm)
        clipped, _ = clip.update(list(grads), clip.init(list(grads)))
        return list(clipped)

    def _apply_weight_decay(self, variables):
        """Keras's decoupled decay, applied to the variables before `update_step`."""
        if self.weight_decay is None:
            return
        for v in variables:
            if self._use_weight_decay(v):
                lr = jnp.asarray(self.learning_rate, v.dtype)
                v.assign(v.value - v.value * jnp.asarray(self.weight_decay, v.dtype) * lr)

    def _update_averages(self):
        iterations = self.iterations
        iterations = iterations.value if isinstance(iterations, Variable) else iterations
        for v, avg in zip(self._trainable_variables, self._averages):
            momentum = (iterations != 0).astype(v.dtype) * self.ema_momentum
            avg.assign(momentum * avg.value + (1 - momentum) * v.value)
        if self.ema_overwrite_frequency:
            overwrite = (iterations + 1) % self.ema_overwrite_frequency == 0
            for v, avg in zip(self._trainable_variables, self._averages):
                v.assign(jnp.where(overwrite, avg.value, v.value))
