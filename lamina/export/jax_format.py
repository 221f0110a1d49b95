"""lamina's own artifact ("jax" format): a folder that runs with JAX alone.

    <path>/manifest.json          endpoints, their signatures, variable names and dtypes
    <path>/variables.npz          the variable values (see array_store)
    <path>/<endpoint>.stablehlo   `jax.export` serialized StableHLO of each endpoint

Each endpoint is exported as `f(variable_values, *args)`, with the batch axis of
every input one shared symbolic size, lowered for CPU and CUDA. `lamina.export.load`
(loaded_artifact.py) reads it back without any model code.
"""

import json
import os
import shutil
import tempfile

import jax

from lamina.export import array_store
from lamina.export.input_signature import flatten, symbolic_structs

FORMAT_NAME = "lamina.jax"
FORMAT_VERSION = 1
PLATFORMS = ("cpu", "cuda")


def export_endpoint(endpoint):
    """The serialized `jax.export.Exported` of one endpoint (bytes)."""
    var_structs = [jax.ShapeDtypeStruct(v.shape, v._value.dtype) for v in endpoint.variables]
    arg_structs = symbolic_structs(endpoint.signature)
    exported = jax.export.export(jax.jit(endpoint.pure), platforms=PLATFORMS)(
        var_structs, *arg_structs)
    return bytes(exported.serialize())


def write(filepath, endpoints, variables, collections):
    """Write the artifact folder atomically (a temporary folder renamed into place).

    endpoints: list of Endpoint; variables: every variable any endpoint or collection
    uses; collections: {name: [variables]}.
    """
    filepath = os.fspath(filepath)
    index = {id(v): i for i, v in enumerate(variables)}
    blobs = {e.name: export_endpoint(e) for e in endpoints}
    parent = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(filepath)}.", dir=parent)
    try:
        dtypes = array_store.save(os.path.join(tmp, "variables.npz"),
                                  [v._value for v in variables])
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "variables": [{"path": v.path, "trainable": bool(v.trainable), "dtype": d,
                           "shape": list(v.shape)} for v, d in zip(variables, dtypes)],
            "endpoints": {e.name: {
                "file": f"{e.name}.stablehlo",
                "variables": [index[id(v)] for v in e.variables],
                "inputs": [s.get_config() for s in flatten(e.signature)],
            } for e in endpoints},
            "collections": {name: [index[id(v)] for v in vs] for name, vs in collections.items()},
        }
        for name, blob in blobs.items():
            with open(os.path.join(tmp, f"{name}.stablehlo"), "wb") as f:
                f.write(blob)
        with open(os.path.join(tmp, "manifest.json"), "w") as f:
            json.dump(manifest, f, indent=1)
        if os.path.isdir(filepath):
            shutil.rmtree(filepath)
        os.replace(tmp, filepath)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
