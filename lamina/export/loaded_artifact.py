"""`load(path)`: run a "jax" format artifact with JAX and NumPy only (no model code).

    artifact = lamina.export.load("path/to/artifact")
    outputs = artifact.serve(x)            # each endpoint is a method
    artifact.variables                     # the weights, as NumPy arrays
"""

import json
import os

import jax
import numpy as np

from lamina.export import array_store
from lamina.export.jax_format import FORMAT_NAME, FORMAT_VERSION


class LoadedEndpoint:
    """One endpoint: call it with arrays shaped as `input_signature` (NumPy or JAX)."""

    def __init__(self, name, exported, values, inputs):
        self.name = name
        self._exported = exported
        self._values = values
        self.input_signature = inputs
        self._call = jax.jit(exported.call)

    def __call__(self, *args):
        leaves, treedef = jax.tree_util.tree_flatten(args)
        # in_tree is ((variable_values, *args), {}): compare the args' part.
        expected = self._exported.in_tree.children()[0].children()[1:]
        received = [jax.tree_util.tree_structure(a) for a in args]
        if received != expected:
            raise ValueError(
                f"Endpoint '{self.name}' expects {len(expected)} argument(s) structured as "
                f"{expected}, received {received}.")
        leaves = [np.asarray(x, dtype=spec["dtype"]) if not isinstance(x, jax.Array) else x
                  for x, spec in zip(leaves, self.input_signature)]
        return self._call(self._values, *jax.tree_util.tree_unflatten(treedef, leaves))

    def __repr__(self):
        shapes = ", ".join(f"{s['name'] or 'input'}: {tuple(s['shape'])} {s['dtype']}"
                           for s in self.input_signature)
        return f"<LoadedEndpoint {self.name}({shapes})>"


class LoadedArtifact:
    """The endpoints (as attributes), `variables`, `trainable_variables`,
    `non_trainable_variables` and any variable collection (a list of arrays)."""

    def __init__(self, manifest, values, blobs):
        self._manifest = manifest
        self.variables = values
        info = manifest["variables"]
        self.trainable_variables = [v for v, i in zip(values, info) if i["trainable"]]
        self.non_trainable_variables = [v for v, i in zip(values, info) if not i["trainable"]]
        self.endpoint_names = list(manifest["endpoints"])
        for name, entry in manifest["endpoints"].items():
            exported = jax.export.deserialize(bytearray(blobs[name]))
            used = [jax.numpy.asarray(values[i]) for i in entry["variables"]]
            setattr(self, name, LoadedEndpoint(name, exported, used, entry["inputs"]))
        for name, indices in manifest["collections"].items():
            setattr(self, name, [values[i] for i in indices])

    def __repr__(self):
        return f"<LoadedArtifact endpoints={self.endpoint_names}>"


def load(filepath):
    """Load an artifact written by `model.export(..., format="jax")` or
    `ExportArchive(format="jax").write_out(...)`."""
    filepath = os.fspath(filepath)
    manifest_path = os.path.join(filepath, "manifest.json")
    if not os.path.isfile(manifest_path):
        raise ValueError(f"'{filepath}' is not a lamina \"jax\" export artifact (no "
                         "manifest.json in it).")
    with open(manifest_path) as f:
        manifest = json.load(f)
    if manifest.get("format") != FORMAT_NAME or manifest.get("version", 0) > FORMAT_VERSION:
        raise ValueError(f"'{filepath}': unsupported artifact format "
                         f"{manifest.get('format')!r} version {manifest.get('version')!r}.")
    values = array_store.load(os.path.join(filepath, "variables.npz"),
                              [v["dtype"] for v in manifest["variables"]])
    blobs = {}
    for name, entry in manifest["endpoints"].items():
        file = os.path.basename(entry["file"])  # never leave the artifact's folder
        with open(os.path.join(filepath, file), "rb") as f:
            blobs[name] = f.read()
    return LoadedArtifact(manifest, values, blobs)
