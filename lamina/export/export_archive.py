"""ExportArchive: assemble endpoints and variable collections, then write an artifact.

Keras's names and signatures (`track`, `add_endpoint`, `track_and_add_endpoint`,
`add_variable_collection`, `write_out`). The artifact is lamina's own "jax" format by
`format="jax"` (it needs nothing beyond JAX); Keras's default `format="saved_model"`
writes a TensorFlow SavedModel through jax2tf and needs TensorFlow installed.
"""

from lamina.core.layer import Layer
from lamina.core.variable import Variable
from lamina.export.endpoint import Endpoint
from lamina.export.input_signature import flatten, to_specs

FORMATS = ("saved_model", "jax")


class ExportArchive:
    """Collects what to export: tracked layers/models, endpoints, variable collections.

    Args:
        format: "saved_model" (default, as Keras; needs TensorFlow; load with
            `tf.saved_model.load`) or "jax" (load with `lamina.export.load`).
    """

    def __init__(self, format="saved_model"):
        if format not in FORMATS:
            raise ValueError(f"Unsupported format: {format!r}. ExportArchive writes one of "
                             f"{list(FORMATS)}.")
        if format == "saved_model":
            from lamina.export.saved_model_format import require_tensorflow

            require_tensorflow()
        self.format = format
        self._tracked = []
        self._endpoints = {}
        self._collections = {}

    # -- what is exported -----------------------------------------------------------
    @property
    def variables(self):
        return _distinct(v for layer in self._tracked for v in layer.variables)

    @property
    def trainable_variables(self):
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self):
        return [v for v in self.variables if not v.trainable]

    def track(self, resource):
        """Track the variables of a layer or model (it must be built)."""
        if not isinstance(resource, Layer):
            raise ValueError(f"Invalid resource type. Expected a Keras layer or model. "
                             f"Received: {resource!r} (of type {type(resource).__name__}).")
        if not resource.built:
            raise ValueError(f"The layer/model '{resource.name}' provided has not yet been "
                             "built. It must be built before export.")
        if resource not in self._tracked:
            self._tracked.append(resource)

    def add_endpoint(self, name, fn=None, input_signature=None, **kwargs):
        """Register `fn` (a callable over the tracked variables) as endpoint `name`.

        input_signature: a list with one entry per positional argument of `fn`; each
        entry a (nested) structure of `keras.InputSpec`, `KerasTensor`, arrays,
        `jax.ShapeDtypeStruct` or `tf.TensorSpec`. None for an axis of free size.
        kwargs (saved_model format only): `is_static`, `jax2tf_kwargs`.
        """
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"Endpoint name must be a Python identifier, received {name!r}.")
        if name in self._endpoints:
            raise ValueError(f"Endpoint name '{name}' is already taken.")
        if not callable(fn):
            raise ValueError(f"add_endpoint('{name}'): `fn` must be a callable, received {fn!r}.")
        if input_signature is None:
            raise ValueError(
                f"add_endpoint('{name}'): lamina needs the `input_signature` argument (the "
                "shapes and dtypes of the arguments of `fn`), e.g. "
                "[keras.InputSpec(shape=(None, 3), dtype='float32')].")
        if not isinstance(input_signature, (list, tuple)):
            raise ValueError(f"add_endpoint('{name}'): input_signature must be a list with one "
                             f"entry per argument of `fn`, received {input_signature!r}.")
        allowed = {"is_static", "jax2tf_kwargs"} if self.format == "saved_model" else set()
        unknown = sorted(set(kwargs) - allowed)
        if unknown:
            raise ValueError(f"add_endpoint('{name}'): unrecognized keyword argument(s) "
                             f"{unknown} for format '{self.format}'.")
        if not self._tracked:
            raise ValueError("No resources are tracked: call `track(model)` before "
                             "`add_endpoint()`.")
        if kwargs.get("is_static", True) is False:
            raise ValueError(
                f"add_endpoint('{name}'): is_static=False is not supported: lamina exports "
                "endpoints as stateless inference functions (state updates are dropped).")
        endpoint = Endpoint(name, fn, list(to_specs(list(input_signature))), self.variables,
                            options=kwargs)
        self._endpoints[name] = endpoint
        return fn

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """`track(resource)` then `add_endpoint(name, resource.__call__, input_signature)`."""
        self.track(resource)
        return self.add_endpoint(name, inference_call(resource), input_signature, **kwargs)

    def add_variable_collection(self, name, variables):
        """Save `variables` (a list/tuple/set of Variables) as attribute `name` of the
        reloaded artifact."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"Collection name must be a Python identifier, received {name!r}.")
        if not isinstance(variables, (list, tuple, set)):
            raise ValueError(f"Expected `variables` to be a list/tuple/set. Received instead "
                             f"object of type '{type(variables).__name__}'.")
        variables = list(variables)
        bad = [v for v in variables if not isinstance(v, Variable)]
        if bad:
            raise ValueError(f"Expected all elements in `variables` to be Variables. Received "
                             f"instead: {bad[0]!r} (of type {type(bad[0]).__name__}).")
        self._collections[name] = variables

    def write_out(self, filepath, options=None, verbose=True):
        """Write the artifact to `filepath` (a folder). `options` is a
        `tf.saved_model.SaveOptions` for the saved_model format only."""
        if not self._endpoints:
            raise ValueError("No endpoints have been set yet. Call add_endpoint().")
        if options is not None and self.format != "saved_model":
            raise ValueError("write_out(options=...) applies to format='saved_model' only; "
                             f"this archive's format is '{self.format}'.")
        endpoints = list(self._endpoints.values())
        variables = _distinct([v for e in endpoints for v in e.variables]
                              + [v for vs in self._collections.values() for v in vs])
        if self.format == "jax":
            from lamina.export import jax_format

            jax_format.write(filepath, endpoints, variables, self._collections)
        else:
            from lamina.export import saved_model_format

            saved_model_format.write(filepath, endpoints, self._collections, options)
        if verbose:
            print(describe(filepath, endpoints))


def _distinct(variables):
    """Variables in first-seen order, each once."""
    return list({id(v): v for v in variables}.values())


def inference_call(resource):
    """`resource(*args, training=False)`: the endpoint function of a layer or model."""
    def call(*args):
        return resource(*args, training=False)  # Layer.__call__ drops it where unused
    return call


def describe(filepath, endpoints):
    lines = [f"Saved artifact at '{filepath}'. The following endpoints are available:"]
    for e in endpoints:
        args = ", ".join(f"{s.name or 'input'}: {s.shape} {s.dtype}" for s in flatten(e.signature))
        lines.append(f"* Endpoint '{e.name}'({args})")
    return "\n".join(lines)
