"""Devices, device meshes and tensor layouts, over `jax.sharding`."""

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def list_devices(device_type=None):
    """Names of the devices of every process ("cpu:0", "gpu:3", ...), of one type
    ("cpu", "gpu", "tpu") or, by default, of JAX's default backend."""
    devices = jax.devices(device_type.lower() if device_type else None)
    return [f"{d.platform}:{d.id}" for d in devices]


def get_device_count(device_type=None):
    """How many devices (of `device_type`, default JAX's default backend) all processes have."""
    return len(jax.devices(device_type.lower() if device_type else None))


def _to_jax_device(device):
    if isinstance(device, str):
        platform, _, index = device.partition(":")
        for d in jax.devices(platform.lower()):
            if str(d.id) == index:
                return d
        raise ValueError(f"Unknown device {device!r}; available: {list_devices(platform)}.")
    return device


class DeviceMesh:
    """Devices arranged in a named grid.

    Args:
        shape: the grid's shape, e.g. (2, 4); its size is the number of devices.
        axis_names: one name per axis, e.g. ["batch", "model"].
        devices: device names ("gpu:0") or jax devices, as many as the grid holds;
            default every device of the default backend.
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError("Shape and axis_names cannot be empty.")
        shape, axis_names = tuple(shape), list(axis_names)
        if len(shape) != len(axis_names):
            raise ValueError(
                "Shape and axis_names should have same size. "
                f"Received shape={shape} and axis_names={axis_names}")
        if devices is None:
            devices = jax.devices()
        devices = np.asarray([_to_jax_device(d) for d in np.ravel(devices)], dtype=object)
        if int(np.prod(shape)) != devices.size:
            raise ValueError(
                "Shape does not match the number of devices. "
                f"Received shape={shape}; devices.shape={devices.shape}")
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)
        self._jax_mesh = None

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    @property
    def backend_mesh(self):
        """The `jax.sharding.Mesh` of this grid."""
        if self._jax_mesh is None:
            self._jax_mesh = Mesh(self._devices, tuple(self._axis_names))
        return self._jax_mesh

    def __repr__(self):
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}>"


class TensorLayout:
    """How a tensor is split over a mesh: one entry per tensor dimension, a mesh axis name
    (that dimension is sharded over it) or None (replicated).

    Args:
        axes: e.g. ("batch", None) or (None, "model").
        device_mesh: the DeviceMesh; may be set later (a LayoutMap sets its own).
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError("Cannot override device mesh value. Existing "
                             f"value is {self._device_mesh}")
        for axis in self._axes:
            if axis is not None and axis not in device_mesh.axis_names:
                raise ValueError(f"Invalid axis names for Layout. Valid axis names: "
                                 f"{device_mesh.axis_names}, Got {self._axes}")
        self._device_mesh = device_mesh

    @property
    def backend_layout(self):
        """The `jax.sharding.NamedSharding` of this layout."""
        if self._device_mesh is None:
            raise ValueError(f"TensorLayout {self._axes} has no device_mesh; set one first.")
        return NamedSharding(self._device_mesh.backend_mesh, PartitionSpec(*self._axes))

    def __repr__(self):
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh}>"
