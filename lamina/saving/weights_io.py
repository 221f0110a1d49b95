"""Variables <-> HDF5 in Keras 3's layout: `<object path>/vars/<i>` datasets, the group
`<object path>/vars` carrying the object's name as attribute `name`.

Loading follows only hard links (no soft or external links, no external or virtual
dataset storage), checks every dataset's shape and dtype before reading it, and
assigns only when the whole file fits the model: a bad file leaves the model unchanged.
"""

import warnings

import h5py
import numpy as np

from lamina.core.serialization.errors import InvalidFileError, SavingError, UnsafeContentError, \
    WeightsMismatchError
from lamina.saving.legacy_weights import legacy_root, read_legacy
from lamina.core.layer import Layer
from lamina.saving.object_paths import _is_optimizer, own_variables, saveable_paths

# What h5py and libhdf5 raise for malformed files.
_H5_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError, OverflowError,
              UnicodeDecodeError, IndexError, AttributeError, SystemError)

# lamina-only group: random seed states of a layer (Dropout, ...). Keras does not save them
# and ignores groups it does not expect; lamina restores them so training resumes exactly.
SEEDS_GROUP = "_lamina_seed_states"


def _vars_path(path):
    return f"{path}/vars" if path else "vars"


def _seeds_path(path):
    return f"{path}/{SEEDS_GROUP}" if path else SEEDS_GROUP


def _seed_states(obj):
    return [sg.state for sg in obj._tracked()[2]] if not _is_optimizer(obj) else []


def _get(root, path, where):
    """The object at `path`, following hard links only (None if absent)."""
    node = root
    for part in path.split("/"):
        if not isinstance(node, h5py.Group) or part not in node:
            return None
        link = node.get(part, getlink=True)
        if not isinstance(link, h5py.HardLink):
            raise UnsafeContentError(
                f"{where}: '{node.name}/{part}' is a {type(link).__name__}; weights files "
                "never link to other places or files.")
        node = node[part]
    return node


class H5Store:
    """The `vars` group of one object, used like a dict of arrays keyed "0", "1", ..."""

    def __init__(self, group, where=""):
        self.group = group
        self.where = where

    def keys(self):
        return list(self.group.keys()) if self.group is not None else []

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return self.group is not None and key in self.group

    def __setitem__(self, key, value):
        self.group.create_dataset(str(key), data=np.asarray(value))

    def dataset(self, key):
        """The dataset `key`, checked to be a plain numeric dataset stored in this file."""
        dataset = _get(self.group, str(key), self.where) if self.group is not None else None
        if dataset is None:
            raise KeyError(key)
        if not isinstance(dataset, h5py.Dataset):
            raise InvalidFileError(f"{self.where}: '{dataset.name}' is not a dataset.")
        if dataset.external or dataset.is_virtual:
            raise UnsafeContentError(f"{self.where}: dataset '{dataset.name}' keeps its data "
                                     "outside the file; refusing to read it.")
        if dataset.dtype.kind not in "biuf":
            raise InvalidFileError(f"{self.where}: '{dataset.name}' holds {dataset.dtype} data, "
                                   "not numbers.")
        return dataset

    def __getitem__(self, key):
        return np.asarray(self.dataset(key)[()])


def _own_method(obj, name):
    """True when `obj`'s class defines its own `name` (a user's override, as Keras calls
    it); Layer's default goes through the checked path below instead."""
    if _is_optimizer(obj):
        return False
    if name in getattr(obj, "__dict__", {}):
        return True  # set on the instance (LoRA's merged-weight hooks)
    method = getattr(type(obj), name, None)
    return method is not None and method is not getattr(Layer, name)


def write_weights(model, target):
    """Write the Keras-layout HDF5 weights of `model` (and its optimizer) to `target`
    (a path or a seekable binary file object)."""
    with h5py.File(target, "w") as f:
        for path, obj in saveable_paths(model):
            group = f.create_group(_vars_path(path))
            if isinstance(getattr(obj, "name", None), str):
                group.attrs["name"] = obj.name
            store = H5Store(group)
            seeds = _seed_states(obj)
            if seeds:
                seed_store = H5Store(f.create_group(_seeds_path(path)))
                for i, state in enumerate(seeds):
                    seed_store[str(i)] = state.numpy()
            if _own_method(obj, "save_own_variables"):
                obj.save_own_variables(store)
                continue
            for i, variable in enumerate(own_variables(obj)):
                store[str(i)] = variable.numpy()


def _checked(store, variables, path, owner, where):
    """[(variable, array)] after checking keys, shapes and dtypes (shapes before reading)."""
    keys = store.keys()
    if sorted(keys) != sorted(str(i) for i in range(len(variables))):
        hint = (" The layer is not built yet: build the model (call it on data or "
                "`model.build(input_shape)`) before loading weights."
                if not variables and not getattr(owner, "built", True) else
                " The file was saved from a different architecture.")
        raise WeightsMismatchError(
            f"{where}: {type(owner).__name__} '{owner.name}' has {len(variables)} "
            f"variable(s), but the file stores {len(keys)} at '{_vars_path(path)}'.{hint}")
    pairs = []
    for i, variable in enumerate(variables):
        dataset = store.dataset(str(i))
        if tuple(dataset.shape) != tuple(variable.shape):
            raise WeightsMismatchError(
                f"{where}: variable '{variable.path}' of '{owner.name}' has shape "
                f"{tuple(variable.shape)}, but the file stores shape {tuple(dataset.shape)} at "
                f"'{_vars_path(path)}/{i}'. The file was saved from a different architecture.")
        pairs.append((variable, np.asarray(dataset[()])))
    return pairs


def _read_seeds(obj, group, where):
    """Saved seed states that fit the layer's seed generators (else none: they stay fresh)."""
    states = _seed_states(obj)
    if not isinstance(group, h5py.Group) or len(group) != len(states):
        return []
    try:
        return _checked(H5Store(group, where), states, "", obj, where)
    except (WeightsMismatchError, KeyError):
        return []


def _load_optimizer(optimizer, store, model, where):
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
    layout = optimizer.keras_variable_layout()
    if len(store.keys()) != len(layout):
        warnings.warn(
            f"{where}: the optimizer state in the file has {len(store.keys())} variables but "
            f"optimizer '{optimizer.name}' has {len(layout)}; the optimizer state is not "
            "loaded (training resumes with fresh optimizer state).", stacklevel=3)
        return
    _checked(store, layout, "optimizer", optimizer, where)
    optimizer.load_own_variables(store)


def _read_all(f, model, where, skip_mismatch):
    """Checked layer values, and the optimizer loads to run once all layers fit."""
    pairs, optimizer_loads = [], []
    for path, obj in saveable_paths(model):
        group = _get(f, _vars_path(path), where)
        if group is not None and not isinstance(group, h5py.Group):
            raise InvalidFileError(f"{where}: '{_vars_path(path)}' is not a group.")
        store = H5Store(group, where)
        if _is_optimizer(obj):
            if group is not None:
                optimizer_loads.append((obj, store))
            continue
        pairs.extend(_read_seeds(obj, _get(f, _seeds_path(path), where), where))
        if _own_method(obj, "load_own_variables"):
            obj.load_own_variables(store)
            continue
        variables = own_variables(obj)
        if group is None and not variables:
            continue
        try:
            if group is None:
                raise WeightsMismatchError(
                    f"{where} has no weights for {type(obj).__name__} '{obj.name}' at "
                    f"'{_vars_path(path)}'. The file was saved from a different model.")
            pairs.extend(_checked(store, variables, path, obj, where))
        except WeightsMismatchError as e:
            if not skip_mismatch:
                raise
            warnings.warn(f"{e} Skipped.", stacklevel=3)
    for optimizer, store in optimizer_loads:
        _load_optimizer(optimizer, store, model, where)
    return pairs


def read_weights(model, source, where, skip_mismatch=False):
    """Load `model`'s variables (and its optimizer's, if compiled and present) from the
    HDF5 `source` (path or binary file object)."""
    try:
        f = h5py.File(source, "r")
    except _H5_ERRORS as e:
        raise InvalidFileError(f"{where}: the weights are not a readable HDF5 file "
                               f"({type(e).__name__}: {e}).") from None
    try:
        with f:
            legacy = legacy_root(f)
            pairs = (_read_all(f, model, where, skip_mismatch) if legacy is None else
                     read_legacy(model, legacy, where, skip_mismatch))
    except SavingError:
        raise
    except _H5_ERRORS as e:
        raise InvalidFileError(f"{where}: the weights file is damaged "
                               f"({type(e).__name__}: {e}).") from None
    for variable, value in pairs:
        if value.dtype != np.dtype(variable.dtype):
            value = value.astype(np.dtype(variable.dtype))
        variable.assign(value)
