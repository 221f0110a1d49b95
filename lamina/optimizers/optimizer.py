"""`Optimizer`: Keras's optimizer API over an optax `GradientTransformation`.

The optax state lives in non-trainable `Variable`s, one per state leaf, so an
optimizer's whole state is the flat list `optimizer.variables`, like a layer's
weights. The pure form `stateless_apply(opt_values, grads, trainable_values)`
threads those values through `jax.jit`; `apply` / `apply_gradients` are the
stateful forms built on it.

`optimizer.variables` starts with exactly what Keras 3 lists for the same
optimizer (`iteration`, `learning_rate`, then the slots in Keras's order and
shapes); optax's own bookkeeping (step counts) follows. `keras_variable_layout()`
returns that Keras prefix.
"""

import re
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import optax

from lamina.core import naming
from lamina.core.variable import Variable
from lamina.distribution.placement import follow_layout
from lamina.optimizers import state_layout
from lamina.optimizers.initial_state import initial_state
from lamina.optimizers.keras_step import KerasStepMixin
from lamina.optimizers.optimizer_saved_state import OptimizerSavedStateMixin
from lamina.optimizers.learning_rate_value import LearningRateValue, _takes_step
from lamina.optimizers.schedules import LearningRateSchedule
from lamina.optimizers.schedules import serialize as serialize_schedule
from lamina.optimizers.transforms import gradient_clipping


# The base keyword arguments every optimizer's `__init__` lists after its own, in Keras's order.
BASE_ARGUMENTS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
                  "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
                  "gradient_accumulation_steps", "name")


def base_arguments(init_locals):
    """The `BASE_ARGUMENTS` out of a subclass `__init__`'s `locals()`, to pass to the base."""
    return {key: init_locals[key] for key in BASE_ARGUMENTS}


def _is_traced(x):
    return isinstance(x, jax.core.Tracer)


class Optimizer(KerasStepMixin, OptimizerSavedStateMixin):
    """Base class of lamina optimizers.

    A subclass either gives an optax rule (`_update_rule`, the built-in optimizers) or
    is written the Keras way: `build` creating slots with `add_variable_from_reference`
    and `update_step(gradient, variable, learning_rate)` (see `keras_step`).

    Args:
        learning_rate: a float, a `LearningRateSchedule` (or any `step -> lr`
            callable), a zero-argument callable, or a scalar float `Variable`
            (shared: assigning it changes the rate).
        weight_decay: float or None. Decoupled weight decay: before each update
            every variable not excluded becomes `v - v * weight_decay * lr`.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip gradient entries to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global L2 norm.
            At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: EMA decay, 0.99 by default.
        ema_overwrite_frequency: every this many steps, overwrite the variables
            with their average (None: only in `finalize_variable_values`).
        loss_scale_factor: gradients are divided by it before use (see `scale_loss`).
        gradient_accumulation_steps: int >= 2 or None: average the gradients of
            this many steps and update once (optax `MultiSteps`).
        name: defaults to the snake-cased class name, made unique ("adam", "adam_1").
    """

    # optax state field -> Keras slot name, for fields holding one array per variable.
    _slot_fields = {}
    # optax state field -> Keras name, for scalar state fields Keras keeps as variables.
    _scalar_fields = {}
    # Whether `_update_rule` applies weight decay itself (instead of the generic step).
    _rule_applies_weight_decay = False
    # Attributes `get_config` adds after the base arguments, in Keras's order.
    _config_keys = ()

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps is not None and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. "
                                 f"Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._trainable_variables = []
        self._jitted_apply = None
        with naming.name_scope(self.name):
            self._iterations = Variable(0, dtype="int32", trainable=False, name="iteration")
        self._lr_variable = None
        self._learning_rate = None
        self._set_learning_rate_source(learning_rate)
        self._variables = [self._iterations] + ([self._lr_variable] if self._lr_variable is not None else [])

    # -- learning rate ---------------------------------------------------------
    def _set_learning_rate_source(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule):
            self._learning_rate, self._lr_mode = learning_rate, "schedule"
        elif isinstance(learning_rate, Variable):
            if learning_rate.shape != () or not jnp.issubdtype(learning_rate.dtype, jnp.floating):
                raise ValueError("A `learning_rate` Variable must be a float scalar; got "
                                 f"shape {learning_rate.shape}, dtype {learning_rate.dtype}.")
            self._learning_rate = self._lr_variable = learning_rate
            self._lr_mode = "variable"
        elif callable(learning_rate):
            self._learning_rate = learning_rate
            self._lr_mode = "schedule" if _takes_step(learning_rate) else "callable"
        else:
            try:
                value = float(learning_rate)
            except (TypeError, ValueError):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of "
                    "LearningRateSchedule, or a callable (that takes in the current iteration "
                    "value and returns the corresponding learning rate value). "
                    f"Received instead: learning_rate={learning_rate}") from None
            with naming.name_scope(self.name):
                self._lr_variable = Variable(value, dtype="float32", trainable=False,
                                             name="learning_rate")
            self._learning_rate, self._lr_mode = self._lr_variable, "variable"

    def _learning_rate_at(self, iteration):
        """The learning rate for the step after `iteration` steps (array, maybe traced)."""
        if self._lr_mode == "schedule":
            return jnp.asarray(self._learning_rate(iteration), jnp.float32)
        if self._lr_mode == "callable":
            return jnp.asarray(self._learning_rate(), jnp.float32)
        return self._lr_variable.value

    @property
    def learning_rate(self):
        """The current learning rate: a float (`LearningRateValue`; a jax array inside a
        traced function). For a schedule, the scheduled value at the current `iterations`.
        """
        value = self._learning_rate_at(self._iterations.value)
        return value if _is_traced(value) else LearningRateValue(value, self)

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if isinstance(learning_rate, LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, Variable)):
            if self.built and self._lr_variable is None and not self._defines_update_step():
                raise RuntimeError("internal: built optimizer without a learning-rate leaf")
            self._learning_rate = learning_rate
            self._lr_mode = ("schedule" if isinstance(learning_rate, LearningRateSchedule)
                             or _takes_step(learning_rate) else "callable")
            self._jitted_apply = None
            return
        if self._lr_mode != "variable":
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` (or callable) as its "
                "`learning_rate` constructor argument, hence its learning rate is not settable. "
                "If you need the learning rate to be settable, you should instantiate the "
                "optimizer with a float `learning_rate` argument.")
        if isinstance(learning_rate, Variable):
            learning_rate = learning_rate.value
        self._lr_variable.assign(learning_rate)

    @property
    def iterations(self):
        """The step counter `Variable` (int32); optimizer steps when accumulating gradients."""
        if self.gradient_accumulation_steps:
            return self._iterations.value // self.gradient_accumulation_steps
        return self._iterations

    @property
    def variables(self):
        """All state Variables: Keras 3's list first (see `keras_variable_layout`), then
        optax bookkeeping. `stateless_apply` takes and returns their values in this order."""
        return self._variables[:]

    # -- subclass hooks ---------------------------------------------------------------
    def _update_rule(self, learning_rate, decay_mask):
        """The optax transformation from (clipped) gradients to the final update
        (`-lr * direction`). `learning_rate` is the injected hyperparameter (array)."""
        raise TypeError(f"{type(self).__name__} defines no update rule: a Keras-style optimizer "
                        "must override `update_step(gradient, variable, learning_rate)`.")

    def _keras_slot_groups(self):
        """Keras's slot creation calls, e.g. `[("momentum", "velocity")]` for Adam."""
        return []

    # -- weight decay ---------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exclude variables from weight decay (call before `build`).

        Args:
            var_list: Variables to exclude.
            var_names: substrings; a variable whose name contains one is excluded.
        """
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the "
                             "optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_pattern is not None and self._exclude_pattern.search(variable.name):
            return False
        return True

    # -- building -------------------------------------------------------------------
    def _make_transform(self, var_list):
        mask = [self._use_weight_decay(v) for v in var_list]
        wd = self.weight_decay
        clip = (self.clipnorm, self.clipvalue, self.global_clipnorm)

        def factory(learning_rate):
            parts = [gradient_clipping(*clip), self._update_rule(learning_rate, mask)]
            if wd is not None and not self._rule_applies_weight_decay and any(mask):
                parts.append(optax.add_decayed_weights(-learning_rate * wd,
                                                       mask=None if all(mask) else mask))
            return optax.chain(*parts)

        # The injected value is a placeholder: `build` puts the learning-rate Variable in
        # its place, and schedules overwrite it at every step.
        tx = optax.inject_hyperparams(factory, hyperparam_dtype=jnp.float32)(
            learning_rate=jax.device_put(np.float32(0.0)))
        steps = self.gradient_accumulation_steps
        if steps:
            mean = optax.stateless_with_tree_map(lambda g, _: g / steps)
            tx = optax.MultiSteps(optax.chain(mean, tx), steps,
                                  use_grad_mean=False).gradient_transformation()
        return tx

    def build(self, var_list):
        """Create the optax state for `var_list` (the model's trainable Variables) as Variables."""
        if self.built:
            return
        var_list = list(var_list)
        if self.gradient_accumulation_steps and \
                any(v.overwrite_with_gradient for v in var_list):
            raise ValueError(
                f"{type(self).__name__}: gradient_accumulation_steps with variables that take "
                "their gradient as value (float8 layers' scales) is not supported by lamina; "
                f"received {[v.path for v in var_list if v.overwrite_with_gradient][:3]}...")
        if self._defines_update_step():
            if any(v.overwrite_with_gradient for v in var_list):
                raise ValueError(
                    f"{type(self).__name__}: an optimizer with its own `update_step` cannot "
                    "train variables that take their gradient as value (float8 layers' "
                    "scales) in lamina; use a built-in optimizer.")
            self._build_keras_style(var_list)
            return
        self._trainable_variables = var_list[:]
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        self._tx = self._make_transform(var_list)
        state = initial_state(self._tx, var_list)
        paths_leaves, self._treedef = jax.tree_util.tree_flatten_with_path(state)

        infos, state_vars, slots, scalars = [], [], {}, {}
        slot_fields = {"acc_grads": "gradient_accumulator", **self._slot_fields}
        with naming.name_scope(self.name):
            for path, leaf in paths_leaves:
                info = state_layout.classify(path, leaf, var_list, slot_fields,
                                             self._scalar_fields)
                if info.kind == "lr":
                    if self._lr_variable is None:  # schedule / callable: a Variable of its own
                        self._lr_variable = Variable(self._learning_rate_at(0), dtype="float32",
                                                     trainable=False, name="learning_rate")
                    var = self._lr_variable
                else:
                    var = Variable(leaf, dtype=leaf.dtype, trainable=False, name=info.name)
                    if info.var_index is not None and tuple(leaf.shape) == var_list[info.var_index].shape:
                        follow_layout(var, var_list[info.var_index])  # a slot: its variable's
                # Keras makes no slots for `overwrite_with_gradient` variables (float8
                # scales): theirs stay internal, after Keras's variables.
                if info.kind == "slot" and info.keras_name and \
                        (info.var_index is None or
                         not var_list[info.var_index].overwrite_with_gradient):
                    if (info.keras_name, info.var_index) in slots:
                        raise RuntimeError(f"internal: two optax leaves map to {info.name}")
                    slots[(info.keras_name, info.var_index)] = var
                if info.kind == "scalar":
                    scalars[info.keras_name] = var
                infos.append(info)
                state_vars.append(var)
            self._averages = [Variable("zeros", shape=v.shape, dtype=v.dtype, trainable=False,
                                       name=f"{v.path.replace('/', '_')}_average")
                              for v in var_list] if self.use_ema else []

        groups = [("gradient_accumulator",)] + list(self._keras_slot_groups())
        keras_vars = [self._iterations]
        if self._lr_mode == "variable":
            keras_vars.append(self._lr_variable)
        keras_vars += self._averages + state_layout.keras_order(groups, slots, scalars,
                                                                len(var_list))
        seen = {id(v) for v in keras_vars}
        extras = [v for v in state_vars if id(v) not in seen and not seen.add(id(v))]
        self._variables = keras_vars + extras
        position = {id(v): i for i, v in enumerate(self._variables)}
        self._n_keras = len(keras_vars)
        self._state_positions = [position[id(v)] for v in state_vars]
        self._average_positions = [position[id(v)] for v in self._averages]
        self._leaf_infos = infos
        self._lr_leaf = next((j for j, info in enumerate(infos) if info.kind == "lr"), None)
        self.built = True

    # -- the pure form ----------------------------------------------------------------
    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One optimizer step as a pure function (jit-safe).

        Args:
            optimizer_variables: values of `self.variables`, in that order.
            grads: one gradient per built variable (None: leave that variable and its
                slots unchanged, as Keras does).
            trainable_variables: values of the variables the optimizer was built with.

        Returns:
            `(new_trainable_values, new_optimizer_values)`, lists in the same orders;
            the step counter is incremented.
        """
        return self._apply_values(optimizer_variables, grads, trainable_variables, True)

    def _check_values(self, optimizer_variables, trainable_variables):
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (i.e. its "
                "variables must have been created). You can build it via "
                "`optimizer.build(trainable_variables)`.")
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 to "
                f"{type(self).__name__}().variables. Received list with length "
                f"{len(optimizer_variables)}, but expected {len(self._variables)} variables.")
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors corresponding 1:1 to "
                "the trainable variables list that the optimizer was built with. Received "
                f"{len(trainable_variables)} whereas the optimizer was built with "
                f"{len(self._trainable_variables)} variables.")

    def _apply_values(self, optimizer_variables, grads, trainable_variables, warn_missing):
        self._check_values(optimizer_variables, trainable_variables)
        values = list(optimizer_variables)
        params = [jnp.asarray(p) for p in trainable_variables]
        grads = list(grads)
        if len(grads) != len(params):
            raise ValueError(f"Expected {len(params)} gradients, received {len(grads)}.")
        if not grads:  # nothing trainable (a frozen model): a no-op, as in Keras
            return params, values
        missing = {i for i, g in enumerate(grads) if g is None}
        if len(missing) == len(grads):
            raise ValueError("No gradients provided for any variable.")
        if missing and warn_missing:
            names = [self._trainable_variables[i].path for i in sorted(missing)]
            warnings.warn(f"Gradients do not exist for variables {names} when minimizing the "
                          "loss. If using `model.compile()`, did you forget to provide a `loss` "
                          "argument?")
        if self._defines_update_step():
            grads = [None if g is None else jnp.asarray(g).astype(p.dtype)
                     for g, p in zip(grads, params)]
            return self._update_step_values(values, grads, params)
        # Variables with `overwrite_with_gradient` (float8 scales) take their gradient as
        # their new value and skip the step (their slots stay as they are), as in Keras.
        overwritten = {i: jnp.asarray(g).astype(params[i].dtype) for i, (g, v) in
                       enumerate(zip(grads, self._trainable_variables))
                       if g is not None and v.overwrite_with_gradient}
        missing |= set(overwritten)
        grads = [jnp.zeros_like(p) if g is None or i in overwritten
                 else jnp.asarray(g).astype(p.dtype) for i, (g, p) in enumerate(zip(grads, params))]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]

        iteration = jnp.asarray(values[0])
        leaves = [values[p] for p in self._state_positions]
        if self._lr_mode != "variable":
            leaves[self._lr_leaf] = self._learning_rate_at(iteration)
        updates, new_state = self._tx.update(grads, self._treedef.unflatten(leaves), params)
        new_params = optax.apply_updates(params, updates)
        new_leaves = [jnp.asarray(new, dtype=jnp.asarray(old).dtype) for new, old in
                      zip(self._treedef.flatten_up_to(new_state), leaves)]
        if missing:
            new_params = [params[i] if i in missing else p for i, p in enumerate(new_params)]
            new_leaves = [leaves[j] if info.var_index in missing else leaf
                          for j, (info, leaf) in enumerate(zip(self._leaf_infos, new_leaves))]
        new_params = [p if v.constraint is None else v.constraint(p)
                      for v, p in zip(self._trainable_variables, new_params)]
        new_params = [overwritten.get(i, p) for i, p in enumerate(new_params)]
        for p, leaf in zip(self._state_positions, new_leaves):
            values[p] = leaf
        if self.use_ema:
            new_params = self._ema_step(values, iteration, new_params)
        values[0] = (iteration + 1).astype(jnp.int32)
        return new_params, values

    def _ema_step(self, values, iteration, new_params):
        steps = self.gradient_accumulation_steps
        step = iteration // steps if steps else iteration
        momentum = jnp.where(step != 0, jnp.float32(self.ema_momentum), jnp.float32(0.0))
        averages = [values[p] for p in self._average_positions]
        averages = optax.tree.update_moment(new_params, averages, momentum, 1)
        for p, avg, param in zip(self._average_positions, averages, new_params):
            values[p] = avg.astype(param.dtype)
        if self.ema_overwrite_frequency:
            overwrite = (step + 1) % self.ema_overwrite_frequency == 0
            new_params = [jnp.where(overwrite, values[p], param)
                          for p, param in zip(self._average_positions, new_params)]
        return new_params

    # -- stateful forms ---------------------------------------------------------------
    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` (default: the built ones) with `grads`.

        Builds the optimizer on first use. Returns None.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first.")
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must "
                    f"match the built variables one-to-one. Received {len(grads)} gradients, "
                    f"but the optimizer is tracking {len(self._trainable_variables)} variables.")
            full = grads
            warn = True
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
            full = [None] * len(self._trainable_variables)
            for g, v in zip(grads, trainable_variables):
                if id(v) not in self._var_index:
                    raise ValueError(
                        f"Unknown variable: {v}. This optimizer can only be called for the "
                        "variables it was originally built with. When working with a new set of "
                        "variables, you should recreate a new optimizer instance.")
                full[self._var_index[id(v)]] = g
            passed_none = [v.path for g, v in zip(grads, trainable_variables) if g is None]
            if passed_none:
                warnings.warn(f"Gradients do not exist for variables {passed_none} when "
                              "minimizing the loss.")
            warn = False
        values = [v.value for v in self._variables]
        params = [v.value for v in self._trainable_variables]
        new_params, new_values = self._step_fn(warn)(values, full, params)
        for v, value in zip(self._trainable_variables, new_params):
            v.assign(value)
        for v, value in zip(self._variables, new_values):
            v.assign(value)

    def _step_fn(self, warn):
        if self._lr_mode == "callable":  # re-evaluate the callable each step
            return lambda o, g, t: self._apply_values(o, g, t, warn)
        if self._jitted_apply is None:
            self._jitted_apply = jax.jit(lambda o, g, t: self._apply_values(o, g, t, False))
        return self._jitted_apply

    def apply_gradients(self, grads_and_vars):
        """`apply` for a list of `(gradient, variable)` pairs; returns `iterations`."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` (unchanged when there is no factor)."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def finalize_variable_values(self, var_list):
        """With `use_ema`, overwrite `var_list` with their moving averages."""
        if self.use_ema:
            if len(var_list) != len(self._averages):
                raise ValueError(f"The length of model variables ({len(var_list)}) to override "
                                 "does not match the length of model variables stored in the "
                                 f"optimizer ({len(self._averages)}).")
            for v, avg in zip(var_list, self._averages):
                v.assign(avg.value)

    # -- config -----------------------------------------------------------------------
    def get_config(self):
        """Constructor arguments (Keras's keys); the learning rate as a float or a
        serialized schedule."""
        if self._lr_mode == "variable":
            learning_rate = float(np.asarray(self._lr_variable.value))
        elif isinstance(self._learning_rate, LearningRateSchedule):
            learning_rate = serialize_schedule(self._learning_rate)
        else:
            learning_rate = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
            **{key: getattr(self, key) for key in self._config_keys},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Inverse of `get_config` (a fresh, unbuilt optimizer)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from lamina.optimizers.schedules import deserialize

            config["learning_rate"] = deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
