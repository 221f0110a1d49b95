"""The model API's entry into `lamina.saving`: `Model.save`, `save_weights`,
`load_weights`, `to_json`, and `keras.models.load_model` / `model_from_json`.

`lamina.saving` sits above models (it reads and builds models), so models never import
it: when imported, saving hands its functions in with `use_saving_functions`, and these
methods call them late. `import lamina` always imports saving.
"""

_FUNCTIONS = {}


def use_saving_functions(**functions):
    """Called by lamina.saving: the functions behind the model API (save_model,
    save_weights, load_weights, load_model, model_to_json, model_from_json)."""
    _FUNCTIONS.update(functions)


def _saving(name):
    function = _FUNCTIONS.get(name)
    if function is None:
        raise RuntimeError(f"{name} needs lamina.saving, which is not imported yet "
                           "(`import lamina` imports it).")
    return function


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` to a `.keras` archive (see lamina.saving.save_model)."""
    return _saving("save_model")(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a `.keras` archive (see lamina.saving.load_model)."""
    return _saving("load_model")(filepath, custom_objects=custom_objects, compile=compile,
                                 safe_mode=safe_mode)


def model_from_json(json_string, custom_objects=None):
    """A new model from `model.to_json()` output (see lamina.saving.model_from_json)."""
    return _saving("model_from_json")(json_string, custom_objects=custom_objects)


class SavingMixin:
    """`save`, `to_json`, `save_weights`, `load_weights` of Model."""

    def save(self, filepath, overwrite=True, zipped=True, **kwargs):
        """Save the model to a `.keras` archive: config, weights and optimizer state.

        The write is atomic: a crash mid-save leaves any previous file intact.
        """
        if kwargs:
            raise TypeError(f"save() got unexpected argument(s) {sorted(kwargs)}.")
        _saving("save_model")(self, filepath, overwrite=overwrite, zipped=zipped)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (see lamina.models.model_from_json)."""
        return _saving("model_to_json")(self, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Save the model's variables (and optimizer state) to a `.weights.h5` file."""
        _saving("save_weights")(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load variables from a `.weights.h5` file or a `.keras` archive.

        The model must be built. With `skip_mismatch=True`, layers whose stored weights
        do not fit are skipped with a warning instead of raising.
        """
        if kwargs:
            raise TypeError(f"load_weights() got unexpected argument(s) {sorted(kwargs)}.")
        _saving("load_weights")(self, filepath, skip_mismatch=skip_mismatch)
