"""Host-side layers at the front of a functional model (TextVectorization, StringLookup...).

Strings cannot enter compiled JAX functions. A model whose first layers are host layers
(`_host_side = True`, fed only by the model's inputs or by other host layers) is split
in two: the host part runs in NumPy on each batch, before the batch reaches the device,
and yields a "prepared" batch; the compiled part starts from the host layers' outputs.

A prepared batch is a plain dict `{"lamina_host_input:<i>": array}`, one entry per tensor
the compiled part reads (in `HostSplit.device_inputs` order), so the data adapters,
batching, shuffling and `jit` handle it like any dict of arrays. In-memory inputs are
prepared once, whole (fit/evaluate/predict then train on numbers only); batch sources
and generators are prepared batch by batch.
"""

import dataclasses
import functools
import inspect

import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.core.symbolic import _has_keras_tensor

PREFIX = "lamina_host_input:"


@dataclasses.dataclass
class HostSplit:
    """host_nodes run in NumPy; device_nodes are compiled, reading device_inputs."""

    host_nodes: list
    device_nodes: list
    device_inputs: list


def split_graph(nodes, inputs, outputs):
    """The HostSplit of a functional graph, or None when it has no host layers in front."""
    on_host = {id(t) for t in inputs}
    host_nodes, device_nodes = [], []
    for node in nodes:
        if _runs_on_host(node) and all(id(t) in on_host for t in node.input_tensors):
            host_nodes.append(node)
            on_host.update(id(t) for t in node.output_tensors)
        else:
            device_nodes.append(node)
    if not host_nodes:
        return None
    device_inputs, seen = [], set()
    for t in [t for n in device_nodes for t in n.input_tensors] + list(outputs):
        if id(t) in on_host and id(t) not in seen:
            seen.add(id(t))
            device_inputs.append(t)
    for t in device_inputs:
        if t.dtype == "string":
            user = next((n.layer.name for n in device_nodes if t in n.input_tensors), "output")
            raise ValueError(
                f"The string tensor {t.name!r} reaches '{user}', which runs in compiled code: "
                "strings can only feed host-side preprocessing layers (TextVectorization, "
                "StringLookup, Hashing, HashedCrossing) at the front of the model.")
    return HostSplit(host_nodes, device_nodes, device_inputs)


def _runs_on_host(node):
    """A host layer, or one that takes strings on the host (Hashing) fed with strings."""
    layer = node.layer
    return getattr(layer, "_host_side", False) or (
        getattr(layer, "_string_inputs_on_host", False)
        and any(t.dtype == "string" for t in node.input_tensors))


def is_prepared(x):
    return isinstance(x, dict) and bool(x) and all(
        isinstance(k, str) and k.startswith(PREFIX) for k in x)


def unpack(x, split):
    """The arrays of a prepared batch, in `split.device_inputs` order."""
    return [x[f"{PREFIX}{i}"] for i in range(len(split.device_inputs))]


def prepare_batch(functional, x):
    """Run the host part of `functional` on one batch (or all of an in-memory input)."""
    split = functional._host
    if is_prepared(x):
        return x
    flat = functional._flatten_inputs(x)
    values = {}
    for i, (kt, value) in enumerate(zip(functional.inputs, flat)):
        value = np.asarray(value)
        if kt.dtype != "string" and value.dtype.kind in "USO":
            raise TypeError(f"Input {i} ('{functional.input_names[i]}') of model "
                            f"'{functional.name}' expects {kt.dtype} values; got strings.")
        values[id(kt)] = value
    for node in split.host_nodes:
        args, kwargs = node.map_arguments(values)
        out = node.layer.host_call(*args, **kwargs)
        for t, v in zip(node.output_tensors, [out]):
            values[id(t)] = v
    return {f"{PREFIX}{i}": values[id(t)] for i, t in enumerate(split.device_inputs)}


class _MappedSource:
    """An indexable batch source whose batches' `x` goes through `fn`; keeps the source's
    worker settings and epoch hooks."""

    def __init__(self, source, fn):
        self._source, self._fn = source, fn
        for name in ("workers", "max_queue_size", "use_multiprocessing"):
            if hasattr(source, name):
                setattr(self, name, getattr(source, name))

    def __len__(self):
        return len(self._source)

    def __getitem__(self, index):
        return _map_x(self._source[index], self._fn)

    def on_epoch_begin(self):
        hook = getattr(self._source, "on_epoch_begin", None)
        if callable(hook):
            hook()

    def on_epoch_end(self):
        hook = getattr(self._source, "on_epoch_end", None)
        if callable(hook):
            hook()


class _MappedIterable:
    """A re-iterable of batches whose `x` goes through `fn`."""

    def __init__(self, source, fn):
        self._source, self._fn = source, fn

    def __iter__(self):
        return (_map_x(batch, self._fn) for batch in self._source)


class _MappedIterator:
    """A one-shot iterator (a generator) of batches whose `x` goes through `fn`."""

    def __init__(self, source, fn):
        self._source, self._fn = source, fn

    def __iter__(self):
        return self

    def __next__(self):
        return _map_x(next(self._source), self._fn)


def _map_x(batch, fn):
    if isinstance(batch, (tuple, list)) and 1 <= len(batch) <= 3 and not isinstance(
            batch[0], str):
        return (fn(batch[0]),) + tuple(batch[1:])
    return fn(batch)


def prepare_data(functional, x):
    """`x` as given to fit/evaluate/predict, with the host part applied (see module doc)."""
    if x is None or is_prepared(x):
        return x
    fn = functools.partial(prepare_batch, functional)
    plain = (np.ndarray, list, tuple, dict, str)
    if hasattr(x, "__len__") and hasattr(x, "__getitem__") and not isinstance(x, plain) \
            and not hasattr(x, "shape"):
        return _MappedSource(x, fn)
    if isinstance(x, list) and x and all(isinstance(b, tuple) and 1 <= len(b) <= 3
                                         for b in x):
        return [_map_x(b, fn) for b in x]
    if hasattr(x, "__next__"):
        return _MappedIterator(x, fn)
    if hasattr(x, "__iter__") and not isinstance(x, plain) and not hasattr(x, "shape"):
        return _MappedIterable(x, fn)
    return fn(x)


def prepare_validation(functional, data):
    if isinstance(data, (tuple, list)) and 1 <= len(data) <= 3 and not isinstance(
            data[0], (str, tuple)):
        return (prepare_data(functional, data[0]),) + tuple(data[1:])
    return prepare_data(functional, data)


def functional_of(model):
    """The functional graph holding `model`'s layers (itself, or a Sequential's)."""
    return model if "_host" in model.__dict__ else model.__dict__.get("_functional")


def host_split(model):
    functional = functional_of(model)
    return None if functional is None else functional.__dict__.get("_host")


def preparing_inputs(method, data_args, validation_args=()):
    """`method` (fit, predict...) with its data arguments passed through the host part of
    the model first, when the model has one."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if data_args and self.__dict__.get("_stack") and self.__dict__.get("_functional") is None:
            bound = signature.bind(self, *args, **kwargs)
            _build_on_strings(self, bound.arguments.get(data_args[0]))
        functional = functional_of(self)
        if functional is None or functional.__dict__.get("_host") is None:
            return method(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        for name in data_args:
            value = bound.arguments.get(name)
            if value is not None and not _has_keras_tensor(value):
                bound.arguments[name] = prepare_data(functional, value)
        for name in validation_args:
            if bound.arguments.get(name) is not None:
                bound.arguments[name] = prepare_validation(functional, bound.arguments[name])
        return method(*bound.args, **bound.kwargs)

    return wrapper


def _build_on_strings(sequential, x):
    """Build a Sequential without an Input whose first layer is a host layer, from a
    string array `x` (its first call would otherwise try to put strings on the device)."""
    if not getattr(sequential._stack[0], "_host_side", False):
        return
    if isinstance(x, (list, np.ndarray, str)):
        array = np.asarray(x)
        if array.dtype.kind in "USO":
            sequential._maybe_build((array,), {})


def prepare_call_input(model, x):
    """`model(x)`'s input with the host part applied (x as is without one)."""
    if model.__dict__.get("_stack") and model.__dict__.get("_functional") is None:
        _build_on_strings(model, x)
    functional = functional_of(model)
    if functional is None or functional.__dict__.get("_host") is None or \
            isinstance(x, KerasTensor) or _has_keras_tensor(x):
        return x
    return prepare_batch(functional, x)
