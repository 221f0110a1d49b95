"""Distributions: where variables and batches live on a DeviceMesh, and the active one.

A Distribution answers two questions: the layout of a variable (by its path and shape) and
the layout of a data batch (sharded along its first axis over the batch mesh axis). Variables
created while one is active are placed with their `NamedSharding`; the training loop shards
every batch and constrains the state to those layouts, and XLA partitions the compiled
steps (no hand-written collectives).
"""

import contextlib
import warnings

import jax

from lamina.distribution.device_mesh import DeviceMesh, TensorLayout
from lamina.distribution.layout_map import LayoutMap

_active = None  # the global Distribution (set_distribution)
_scoped = []  # Distributions entered with `with distribution.scope():`


class Distribution:
    """Base class: a DeviceMesh and the name of its batch (data-parallel) axis."""

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_process = jax.process_count()
        self._process_id = jax.process_index()

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = value

    def get_data_layout(self, data_shape):
        """The layout of a batch of shape `data_shape`: its first axis over the batch axis."""
        axes = [None] * len(data_shape)
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable):
        """The layout of `variable` (replicated unless a subclass says otherwise)."""
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path):
        """The layout of an intermediate tensor named `path`, or None."""
        return None

    def distribute_dataset(self, dataset):
        """The part of `dataset` this process feeds. lamina's data sources are arrays,
        generators and PyDatasets that each process builds from its own shard, so the
        dataset is returned as it is."""
        return dataset

    @contextlib.contextmanager
    def scope(self):
        """Within the block this distribution is the active one."""
        _scoped.append(self)
        try:
            yield
        finally:
            _scoped.pop()

    @property
    def data_parallel_size(self):
        """How many shards a batch's first axis is split into."""
        names = self._device_mesh.axis_names
        if self._batch_dim_name not in names:
            return 1
        return self._device_mesh.shape[names.index(self._batch_dim_name)]

    def __repr__(self):
        return (f"<{type(self).__name__} device_mesh={self._device_mesh}, "
                f"batch_dim_name={self._batch_dim_name!r}>")


class DataParallel(Distribution):
    """Every variable replicated on every device; batches split along their first axis.

    Args:
        device_mesh: a DeviceMesh whose first axis is the batch axis. Or
        devices: the devices to use (a 1-D mesh with axis "batch"); default all devices.
        auto_shard_dataset: kept for Keras compatibility (see `distribute_dataset`).
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is None:
            if devices is None:
                devices = jax.devices()
            device_mesh = DeviceMesh((len(devices),), ["batch"], devices)
        elif devices is not None:
            raise ValueError("DataParallel: pass `device_mesh` or `devices`, not both.")
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)


class ModelParallel(Distribution):
    """Variables laid out by a LayoutMap (replicated when no key matches); batches split
    along their first axis over `batch_dim_name`.

    Args:
        layout_map: LayoutMap of variable path patterns to layouts; its mesh is used.
        batch_dim_name: the mesh axis batches are split over; default its first axis.
        auto_shard_dataset: kept for Keras compatibility (see `distribute_dataset`).
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True,
                 **kwargs):
        if kwargs.pop("device_mesh", None) is not None:
            warnings.warn("ModelParallel: `device_mesh` is deprecated; the LayoutMap's mesh "
                          "is used.", stacklevel=2)
        if kwargs:
            raise ValueError(f"ModelParallel: unknown argument(s) {sorted(kwargs)}.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError("ModelParallel needs `layout_map=`, a keras.distribution.LayoutMap; "
                             f"received {layout_map!r}.")
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(f"ModelParallel: batch_dim_name {batch_dim_name!r} is not an axis "
                             f"of the mesh {mesh.axis_names}.")
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    def get_variable_layout(self, variable):
        layout = self._layout_map[variable.path]
        if layout is None:
            return super().get_variable_layout(variable)
        if len(layout.axes) != len(variable.shape):
            raise ValueError(f"The layout {layout.axes} for variable '{variable.path}' has "
                             f"{len(layout.axes)} axes; the variable has shape {variable.shape}.")
        return layout

    def get_tensor_layout(self, path):
        return self._layout_map[path]


def set_distribution(value):
    """Make `value` (a Distribution, or None) the global distribution."""
    global _active
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"Expected a keras.distribution.Distribution or None, got {value!r}.")
    _active = value


def distribution():
    """The active Distribution: the innermost `scope()`, else the global one, else None."""
    return _scoped[-1] if _scoped else _active


def _sharding(layout):
    if isinstance(layout, TensorLayout):
        return layout.backend_layout
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    raise ValueError(f"Expected a TensorLayout or a jax.sharding.Sharding, got {layout!r}.")


def distribute_tensor(tensor, layout):
    """`tensor` laid out as `layout` (a TensorLayout or jax Sharding): placed on the mesh
    outside a compiled function, a sharding constraint inside one."""
    sharding = _sharding(layout)
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return place(tensor, sharding)


def place(value, sharding):
    """A global array with `sharding` whose content is `value` (the same on every process)."""
    import numpy as np

    if isinstance(value, jax.Array) and value.sharding == sharding:
        return value
    if jax.process_count() == 1:
        return jax.device_put(value, sharding)
    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])

