"""SavingMixin: `save`, `save_weights`, `load_weights` and a Keras-compatible `from_config`
for Model (it sits before Layer in Model's bases)."""


class SavingMixin:
    def save(self, filepath, overwrite=True, zipped=True, **kwargs):
        """Save the model to a `.keras` archive: config, weights and optimizer state.

        The write is atomic: a crash mid-save leaves any previous file intact.
        """
        from lamina.saving.saving_api import save_model

        if kwargs:
            raise TypeError(f"save() got unexpected argument(s) {sorted(kwargs)}.")
        save_model(self, filepath, overwrite=overwrite, zipped=zipped)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (see lamina.models.model_from_json)."""
        from lamina.saving.json_api import model_to_json

        return model_to_json(self, **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Save the model's variables (and optimizer state) to a `.weights.h5` file."""
        from lamina.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load variables from a `.weights.h5` file or a `.keras` archive.

        The model must be built. With `skip_mismatch=True`, layers whose stored weights
        do not fit are skipped with a warning instead of raising.
        """
        from lamina.saving.saving_api import load_weights

        if kwargs:
            raise TypeError(f"load_weights() got unexpected argument(s) {sorted(kwargs)}.")
        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from `get_config()`'s dict: a functional graph config gives a functional
        model; otherwise `cls(**config)` with the arguments `cls` accepts."""
        from lamina.saving.deserialization import layer_from_config

        return layer_from_config(cls, config, custom_objects)
