"""ONNX export through jax2onnx (the optional extra `lamina[onnx]`).

The endpoint's weights are folded in as ONNX initializers; inputs are the flattened
signature (named after the model's inputs), with the batch axis a dynamic dimension;
outputs are the flattened outputs, named output_0, output_1, ... The file runs in
onnxruntime: `InferenceSession(path).run(None, {name: array, ...})`.
"""

import os

import jax

from lamina.export.input_signature import flatten, symbolic_structs
from lamina.core.serialization.atomic_file import atomic_write

DEFAULT_OPSET = 23


def _require_jax2onnx():
    try:
        import jax2onnx
    except ImportError as e:
        raise ImportError(
            "format='onnx' needs the `jax2onnx` package: pip install 'lamina[onnx]' "
            f"(jax2onnx and onnxruntime). Import failed with: {e}") from None
    return jax2onnx


def to_onnx_proto(endpoint, opset_version=None):
    """The endpoint as an `onnx.ModelProto`."""
    jax2onnx = _require_jax2onnx()
    values = [jax.numpy.asarray(v) for v in endpoint.current_values()]
    specs = flatten(endpoint.signature)
    structs = jax.tree_util.tree_leaves(symbolic_structs(endpoint.signature))
    arg_tree = jax.tree_util.tree_structure(
        endpoint.signature, is_leaf=lambda x: hasattr(x, "get_config"))
    names = _unique_names(specs)
    out_count = []

    def flat_fn(*leaves):
        args = jax.tree_util.tree_unflatten(arg_tree, list(leaves))
        outputs = jax.tree_util.tree_leaves(endpoint.pure(values, *args))
        out_count.append(len(outputs))
        return tuple(outputs) if len(outputs) > 1 else outputs[0]

    jax.eval_shape(flat_fn, *structs)  # count the outputs to name them
    return jax2onnx.to_onnx(
        flat_fn, structs, model_name=endpoint.name,
        opset=DEFAULT_OPSET if opset_version is None else opset_version,
        input_names=names, output_names=[f"output_{i}" for i in range(out_count[-1])])


def write(filepath, endpoint, opset_version=None):
    proto = to_onnx_proto(endpoint, opset_version)
    data = proto.SerializeToString()
    with atomic_write(os.fspath(filepath)) as f:
        f.write(data)


def _unique_names(specs):
    names, seen = [], set()
    for i, spec in enumerate(specs):
        name = spec.name or f"input_{i}"
        while name in seen:
            name = f"{name}_{i}"
        seen.add(name)
        names.append(name)
    return names
