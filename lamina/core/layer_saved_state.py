"""The hooks a saved file calls on each Layer: its own variables in and out
(`save_own_variables` / `load_own_variables`) and what rebuilds its weights before loading
(`get_build_config` / `build_from_config`). Subclasses override them as in Keras."""


class LayerSavedStateMixin:
    """Default save/load hooks of a Layer (reads `_own_variables()`, `_build_shapes`,
    `built` and `build` of the Layer it is mixed into)."""

    def save_own_variables(self, store):
        """Write this layer's own variables (not its sublayers') into `store` under "0",
        "1", ...: trainable ones first, as created, then non-trainable ones."""
        for i, variable in enumerate(self._own_variables()):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Assign this layer's own variables from `store` (what `save_own_variables`
        wrote); the number of entries must match."""
        variables = self._own_variables()
        if len(store.keys()) != len(variables):
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} variables, but received "
                f"{len(store.keys())} variables during loading. Expected: "
                f"{[v.name for v in variables]}")
        for i, variable in enumerate(variables):
            variable.assign(store[str(i)])

    def get_build_config(self):
        """What `build_from_config` needs to create the weights again:
        `{"input_shape": shape}` after a build with one input shape, `{"shapes_dict": {...}}`
        after a build with named shapes, None before any build. Saved in `.keras` files."""
        shapes = self.__dict__.get("_build_shapes")
        if shapes is None or not self.built:
            return None
        if isinstance(shapes, dict) and all(k.endswith("_shape") for k in shapes):
            return {"shapes_dict": dict(shapes)}
        return {"input_shape": shapes}

    def build_from_config(self, config):
        """Build from `get_build_config()`'s output (nothing for None)."""
        if not config:
            return
        if "input_shape" in config:
            self.build(config["input_shape"])
        elif "shapes_dict" in config:
            self.build(**config["shapes_dict"])
        else:
            raise ValueError(f"{type(self).__name__}.build_from_config(): expected a config "
                             f"with 'input_shape' or 'shapes_dict', received {config!r}")
