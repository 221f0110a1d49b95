"""Reading Keras 2's HDF5 weights layout (what `save_weights("x.h5")` wrote before Keras 3,
and the format of Keras's published application weights).

Layout: the root (or its `model_weights` group, for whole-model `.h5` files) has the
attribute `layer_names`; each layer's group has `weight_names`, paths of its datasets
relative to the group. As in Keras, the layers that have weights are matched in order
(not by name), and each layer takes its values as trainable weights then non-trainable.
"""

import h5py
import numpy as np

from lamina.core.serialization.errors import InvalidFileError, WeightsMismatchError


def _names(attrs, key):
    return [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in attrs.get(key, [])]


def legacy_root(f):
    """The group holding the Keras 2 layout, or None when `f` has Keras 3's layout."""
    if "layer_names" in f.attrs:
        return f
    group = f.get("model_weights", getlink=False) if "model_weights" in f else None
    if isinstance(group, h5py.Group) and "layer_names" in group.attrs:
        return group
    return None


def _dataset(group, path, where):
    node = group
    for part in path.split("/"):
        if not isinstance(node, h5py.Group) or part not in node:
            raise InvalidFileError(f"{where}: weight '{path}' listed in '{group.name}' is "
                                   "missing.")
        if not isinstance(node.get(part, getlink=True), h5py.HardLink):
            raise InvalidFileError(f"{where}: '{node.name}/{part}' is a link; weights files "
                                   "never link to other places or files.")
        node = node[part]
    if not isinstance(node, h5py.Dataset):
        raise InvalidFileError(f"{where}: '{node.name}' is not a dataset.")
    return node


def read_legacy(model, root, where, skip_mismatch=False):
    """[(variable, array)] for `model` from the Keras 2 layout under `root` (checked first:
    nothing is assigned unless the whole file fits)."""
    layers = [layer for layer in model.layers if layer.weights]
    saved = [(name, root[name]) for name in _names(root.attrs, "layer_names")
             if name in root and _names(root[name].attrs, "weight_names")]
    if len(saved) != len(layers):
        raise WeightsMismatchError(
            f"{where}: the model has {len(layers)} layers with weights, the file has "
            f"{len(saved)} (Keras 2 layout, matched in order). The file was saved from a "
            "different architecture.")
    pairs = []
    for k, (layer, (saved_name, group)) in enumerate(zip(layers, saved)):
        variables = list(layer.trainable_weights) + list(layer.non_trainable_weights)
        datasets = [_dataset(group, n, where) for n in _names(group.attrs, "weight_names")]
        problem = None
        if len(datasets) != len(variables):
            problem = (f"layer #{k} ('{layer.name}' in the model, '{saved_name}' in the file) "
                       f"has {len(variables)} weight(s), the file stores {len(datasets)}")
        else:
            for variable, data in zip(variables, datasets):
                if tuple(data.shape) != tuple(variable.shape):
                    problem = (f"weight '{variable.path}' of layer '{layer.name}' has shape "
                               f"{tuple(variable.shape)}, the file stores {tuple(data.shape)} "
                               f"at '{data.name}'")
                    break
        if problem:
            if skip_mismatch:
                continue
            raise WeightsMismatchError(f"{where}: {problem}. The file was saved from a "
                                       "different architecture.")
        pairs.extend((v, np.asarray(d[()])) for v, d in zip(variables, datasets))
    return pairs
