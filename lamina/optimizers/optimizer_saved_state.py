"""An optimizer's state in Keras 3's layout: which Variables Keras lists, in its order, and
the save/load/set_weights paths that read and write them (the same `.keras` and
`.weights.h5` entries Keras writes)."""

import warnings

import numpy as np

from lamina.optimizers import state_layout


class OptimizerSavedStateMixin:
    """Keras-layout state of an Optimizer (uses its `_variables`, `_n_keras`, `_lr_mode`,
    `_lr_variable`, `_iterations`, `_leaf_infos`, `_state_positions`,
    `gradient_accumulation_steps` and `_defines_update_step()`)."""

    def keras_variable_layout(self):
        """The Variables Keras 3 lists in `optimizer.variables` for this optimizer, in its
        order and shapes: iteration, learning_rate (not for schedules), EMA averages,
        gradient accumulators, then the slots (e.g. Adam: per variable momentum,
        velocity; then velocity_hat for amsgrad)."""
        if self._defines_update_step():  # its own Variables are the whole state
            return self._variables[:]
        layout = self._variables[:self._n_keras] if self.built else self._variables[:]
        if self._lr_mode != "variable":
            layout = [v for v in layout if v is not self._lr_variable]
        return layout

    def save_own_variables(self, store):
        """Write the Keras layout into `store` as `"0"`, `"1"`, ... (Keras's format)."""
        for i, variable in enumerate(self.keras_variable_layout()):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Read what `save_own_variables` (or Keras 3) wrote; re-derive optax step counts."""
        layout = self.keras_variable_layout()
        if len(store.keys()) != len(layout):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(layout)} variables whereas the saved optimizer has {len(store.keys())} "
                "variables." + (" This is likely because the optimizer has not been "
                                "called/built yet." if not self.built else ""), stacklevel=2)
            return
        for i, variable in enumerate(layout):
            variable.assign(np.asarray(store[str(i)]))
        self._sync_counts()

    def set_weights(self, weights):
        """Assign `weights` (arrays in `keras_variable_layout()` order)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet "
                             "been built. Please call `optimizer.build(trainable_variables)` to "
                             "create the optimizer weights before calling `set_weights()`.")
        for variable, weight in zip(self.keras_variable_layout(), weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(f"Optimizer variable {variable.path} has shape {variable.shape} "
                                 f"not compatible with provided weight shape {np.shape(weight)}.")
            variable.assign(weight)
        self._sync_counts()

    def _sync_counts(self):
        """Set optax's step counters from `iterations` (Keras keeps only `iterations`)."""
        if not self.built or self._defines_update_step():
            return
        total = int(self._iterations.numpy())
        k = self.gradient_accumulation_steps or 1
        for info, p in zip(self._leaf_infos, self._state_positions):
            if info.kind == "other" and info.field in state_layout.COUNT_FIELDS:
                value = total % k if info.field == "mini_step" else total // k
                self._variables[p].assign(value)
