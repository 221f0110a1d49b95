"""`model.export(filepath, format, ...)`: one endpoint "serve" over the model's inference
call, written in the chosen format."""

from lamina.export.endpoint import Endpoint
from lamina.export.export_archive import ExportArchive, describe, inference_call
from lamina.export.input_signature import check_matches, default_signature, to_specs

FORMATS = ("jax", "onnx", "tf_saved_model")


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None, **kwargs):
    """Write `model` as a served artifact; see `Model.export`."""
    if format not in FORMATS:
        raise ValueError(f"Unrecognized format={format!r}. Supported formats are: "
                         f"{list(FORMATS)}.")
    if not model.built:
        raise ValueError(f"Model '{model.name}' must be built before export: call it on data "
                         "or `build()` it first.")
    verbose = True if verbose is None else verbose
    if input_signature is None:
        input_signature = default_signature(model)
    else:
        if not isinstance(input_signature, (list, tuple)):
            input_signature = [input_signature]
        input_signature = list(to_specs(list(input_signature)))
        check_matches(model, input_signature)
    if format == "onnx":
        from lamina.export import onnx_format

        opset_version = kwargs.pop("opset_version", None)
        _no_more(kwargs, format)
        endpoint = Endpoint("serve", inference_call(model), input_signature, model.variables)
        onnx_format.write(filepath, endpoint, opset_version=opset_version)
        if verbose:
            print(describe(filepath, [endpoint]))
        return
    archive = ExportArchive("jax" if format == "jax" else "saved_model")
    if format == "jax":
        _no_more(kwargs, format)
    archive.track_and_add_endpoint("serve", model, input_signature, **kwargs)
    archive.write_out(filepath, verbose=verbose)


def _no_more(kwargs, format):
    if kwargs:
        raise ValueError(f"Unrecognized keyword argument(s) {sorted(kwargs)} for "
                         f"format='{format}'.")
