"""`OptimizerMap` and `MultiOptimizer`: a different optimizer for different variables.

`MultiOptimizer(optimizer_map)` asks the map (an `OptimizerMap`, or any callable
`variable -> optimizer`) which optimizer owns each trainable variable, builds every
inner optimizer on its own variables and, at each step, hands each one its share
of the gradients. Its `variables` are its own (iteration, learning_rate) followed
by each inner optimizer's, in the order the inner optimizers were met: Keras 3's
order, so the pure step threads them through `jit` like any optimizer's.
"""

import re
from collections.abc import MutableMapping

from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.optimizer import Optimizer


def _check_inner(optimizer, what):
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{what} must be a Keras Optimizer instance. Received: {optimizer!r}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{what} cannot be a LossScaleOptimizer (put the loss scale on the "
                         "MultiOptimizer). Received: {optimizer!r}")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{what} cannot be a MultiOptimizer. Received: {optimizer!r}")


class OptimizerMap(MutableMapping):
    """Variable path (or regular expression over paths) -> optimizer.

    Args:
        default_optimizer: the optimizer of variables no key matches.
        optimizer_map: optional dict of initial entries.

    A lookup tries the exact key first, then every key as a pattern that must
    match the whole path (`re.fullmatch`); two matching patterns are an error.
    Calling the map on a variable looks up `variable.path`.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError("default_optimizer must be a Keras Optimizer instance. "
                            f"Received: {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [p for p in self._optimizer_map if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}: patterns "
                             f"{matches} all match it.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value "
                             f"{self._optimizer_map[key]}. Keys must not repeat.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key!r}")
        _check_inner(optimizer, "optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": serialize_keras_object(self._optimizer_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(deserialize_keras_object(config["default_optimizer"], custom_objects),
                   deserialize_keras_object(config["optimizer_map"], custom_objects))


class MultiOptimizer(Optimizer):
    """Delegates each trainable variable to the optimizer `optimizer_map` gives it.

    Args:
        optimizer_map: an `OptimizerMap`, or a callable `variable -> Optimizer`.
        loss_scale_factor: set on every inner optimizer (None by default).
        name: defaults to "multi_optimizer".

    It has no learning rate of its own: reading or setting `learning_rate` raises;
    use `optimizers` (the inner optimizers) instead.
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not callable(optimizer_map):
            raise TypeError("optimizer_map must be an OptimizerMap or a callable returning an "
                            f"optimizer for a variable. Received: {optimizer_map!r}")
        # The inner optimizers, in the order their variables come in `variables`; a plain
        # attribute, so the weights file holds them at `optimizer/optimizers/<name>` as Keras.
        self.optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        for opt in list(getattr(optimizer_map, "values", list)()) + [
                getattr(optimizer_map, "default_optimizer", None)]:
            if opt is not None and opt not in self.optimizers:
                self._add_inner(opt)

    def _add_inner(self, optimizer):
        optimizer.loss_scale_factor = self.loss_scale_factor
        self.optimizers.append(optimizer)

    @property
    def loss_scale_factor(self):
        return self._loss_scale_factor

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for opt in self.optimizers:
            opt.loss_scale_factor = value

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Read it on "
                             "the individual optimizers of `optimizer.optimizers` instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set it on the "
                             "individual optimizers of `optimizer.optimizers` instead.")

    @property
    def variables(self):
        own = self._variables[:self._n_own] if self.built else self._variables[:]
        return own + [v for opt in self.optimizers for v in opt.variables]

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        owner = []
        for var in var_list:
            opt = self._optimizer_map(var)
            _check_inner(opt, f"The optimizer for variable {var.path}")
            if opt not in self.optimizers:
                self._add_inner(opt)
            owner.append(self.optimizers.index(opt))
        self._owner = owner
        for k, opt in enumerate(self.optimizers):
            mine = [v for v, o in zip(var_list, owner) if o == k]
            if mine:
                opt.build(mine)
        self._trainable_variables = var_list
        self._var_index = {id(v): i for i, v in enumerate(var_list)}
        self._trainable_variables_indices = self._var_index
        self._n_own = len(self._variables)
        self._variables = self.variables  # own, then every inner optimizer's
        self.built = True

    def _apply_values(self, optimizer_variables, grads, trainable_variables, warn_missing):
        self._check_values(optimizer_variables, trainable_variables)
        values = list(optimizer_variables)
        new_params = list(trainable_variables)
        grads = list(grads)
        if len(grads) != len(new_params):
            raise ValueError(f"Gradients must match trainable variables one-to-one. Received "
                             f"{len(grads)} gradients and {len(new_params)} variables.")
        start = self._n_own
        for k, opt in enumerate(self.optimizers):
            count = len(opt.variables)
            rows = [i for i, o in enumerate(self._owner) if o == k]
            if rows and any(grads[i] is not None for i in rows):
                sub_params, sub_values = opt._apply_values(
                    values[start:start + count], [grads[i] for i in rows],
                    [new_params[i] for i in rows], warn_missing)
                values[start:start + count] = sub_values
                for i, p in zip(rows, sub_params):
                    new_params[i] = p
            start += count
        values[0] = values[0] + 1
        return new_params, values

    def finalize_variable_values(self, var_list):
        for k, opt in enumerate(self.optimizers):
            mine = [v for v in var_list if self._owner[self._var_index[id(v)]] == k]
            if mine:
                opt.finalize_variable_values(mine)

    def keras_variable_layout(self):
        """Own iteration and learning rate, then each inner optimizer's Keras layout."""
        own = self._variables[:self._n_own] if self.built else self._variables[:]
        return own + [v for opt in self.optimizers for v in opt.keras_variable_layout()]

    def _sync_counts(self):
        for opt in self.optimizers:
            opt._sync_counts()

    def get_config(self):
        return {"optimizer_map": serialize_keras_object(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizer_map"] = deserialize_keras_object(config["optimizer_map"],
                                                           custom_objects)
        return cls(**config)
