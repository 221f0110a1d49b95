"""keras.device: run the block's computations on one named device ("cpu", "gpu:1")."""

import contextlib

import jax


@contextlib.contextmanager
def device(device_name):
    """Place arrays created and computed inside the block on `device_name`
    ("cpu", "cpu:0", "gpu:1", "tpu:0"; the index defaults to 0)."""
    if not isinstance(device_name, str):
        raise ValueError(f"device(): device_name must be a string like 'cpu:0', "
                         f"received {device_name!r}")
    kind, _, index = device_name.lower().partition(":")
    try:
        devices = jax.devices(kind)
    except RuntimeError:
        raise ValueError(f"device(): no '{kind}' device on this machine "
                         f"(received device_name={device_name!r}; available: "
                         f"{sorted({d.platform for d in jax.devices()})})") from None
    position = int(index) if index else 0
    if not 0 <= position < len(devices):
        raise ValueError(f"device(): '{device_name}' does not exist; this machine has "
                         f"{len(devices)} '{kind}' device(s)")
    with jax.default_device(devices[position]):
        yield
