"""What the rest of lamina asks of the active distribution: where a new variable lives,
how a batch is split inside a compiled step, and the global batch of a multi-process job."""

import jax
import numpy as np

from lamina.distribution.distributions import distribute_tensor, distribution, place


def variable_sharding(variable):
    """The NamedSharding of `variable` under the active distribution, or None."""
    dist = distribution()
    if dist is None:
        return None
    return dist.get_variable_layout(variable).backend_layout


def place_variable_value(variable, value):
    """`value` placed as `variable`'s sharding says (unchanged without a distribution)."""
    sharding = getattr(variable, "_sharding", None)
    if sharding is None or isinstance(value, jax.core.Tracer):
        return value
    return place(value, sharding)


def follow_layout(variable, reference):
    """Give `variable` the layout of `reference` (an optimizer slot: its model variable's)."""
    sharding = getattr(reference, "_sharding", None)
    if sharding is not None:
        variable._sharding = sharding
        variable._array = place(variable._array, sharding)


def _batch_sharding(dist, ndim):
    return dist.get_data_layout((0,) * ndim).backend_layout


def check_batch_size(batch_size, what="batch_size"):
    """A clear error when the global batch does not split evenly over the data-parallel
    devices of the active distribution."""
    dist = distribution()
    if dist is None or batch_size is None:
        return
    shards = dist.data_parallel_size
    if batch_size % shards:
        raise ValueError(
            f"The {what} ({batch_size}) must be a multiple of the number of data-parallel "
            f"shards of {type(dist).__name__} ({shards}: mesh axis {dist.batch_dim_name!r} of "
            f"{dist.device_mesh.shape}).")


def constrain_batch(batch):
    """Inside a compiled step: every array of `batch` split along its first axis over the
    batch axis (left as is when that axis does not divide evenly, e.g. a last small batch)."""
    dist = distribution()
    if dist is None:
        return batch
    shards = dist.data_parallel_size

    def constrain(x):
        if x is None or not hasattr(x, "ndim") or x.ndim == 0 or x.shape[0] % shards:
            return x
        return jax.lax.with_sharding_constraint(x, _batch_sharding(dist, x.ndim))

    return jax.tree_util.tree_map(constrain, batch)


def constrain_output(outputs, path):
    """A layer's outputs laid out as the distribution's layout for `path()` ("d2/output")
    says, when it names one (Keras's LayoutMap keys for intermediate tensors); else
    unchanged. `path` is a callable: the name is only worked out under a distribution."""
    dist = distribution()
    if dist is None:
        return outputs
    layout = dist.get_tensor_layout(path())
    if layout is None:
        return outputs
    return jax.tree_util.tree_map(
        lambda x: distribute_tensor(x, layout) if isinstance(x, jax.Array) else x, outputs)


def constrain_values(values, variables):
    """Inside a compiled step: each value laid out as its variable is."""
    if distribution() is None:
        return values
    return [v if getattr(var, "_sharding", None) is None
            else jax.lax.with_sharding_constraint(v, var._sharding)
            for v, var in zip(values, variables)]


def is_writer_process():
    """Whether this process writes files (checkpoints, .keras): process 0 of a job."""
    return jax.process_index() == 0


def is_multi_process():
    return distribution() is not None and jax.process_count() > 1


def global_batch(batch):
    """This process's batch -> the global batch (process-local rows concatenated in process
    order), split along the batch axis. Single process: the batch placed on the mesh."""
    dist = distribution()
    if dist is None:
        return batch

    def to_global(x):
        if x is None:
            return None
        x = np.asarray(x)
        if x.ndim == 0:
            return x
        sharding = _batch_sharding(dist, x.ndim)
        if jax.process_count() == 1:
            if x.shape[0] % dist.data_parallel_size:
                return x
            return jax.device_put(x, sharding)
        return jax.make_array_from_process_local_data(sharding, x)

    return jax.tree_util.tree_map(to_global, batch, is_leaf=lambda v: v is None)


def replicated(value):
    """`value` replicated over the active distribution's mesh (unchanged without one)."""
    dist = distribution()
    if dist is None:
        return value
    mesh = dist.device_mesh.backend_mesh
    return jax.tree_util.tree_map(
        lambda x: place(x, jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec())),
        value)
