"""keras.distribution: device meshes, layouts, data and model parallelism over jax.sharding."""

from lamina.distribution.device_mesh import (  # noqa: F401
    DeviceMesh,
    TensorLayout,
    get_device_count,
    list_devices,
)
from lamina.distribution.distributions import (  # noqa: F401
    DataParallel,
    Distribution,
    ModelParallel,
    distribute_tensor,
    distribution,
    set_distribution,
)
from lamina.distribution.initialize import initialize  # noqa: F401
from lamina.distribution.layout_map import LayoutMap  # noqa: F401
