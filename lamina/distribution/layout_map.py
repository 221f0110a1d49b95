"""LayoutMap: variable paths (exact, or regular expressions searched in the path) -> layouts."""

import collections
import re

from lamina.distribution.device_mesh import TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict of TensorLayouts keyed by variable path patterns.

    `layout_map["dense.*kernel"] = (None, "model")` shards every Dense kernel's second axis
    over the "model" axis. Lookup: an exact key first, else the one key whose regular
    expression is found in the path (several matches are an error); None when none matches.

    Args:
        device_mesh: the DeviceMesh every layout in the map lives on.
    """

    def __init__(self, device_mesh):
        self._layouts = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [k for k in self._layouts if re.search(k, key)]
        if len(matches) > 1:
            raise ValueError(f"Path '{key}' matches multiple layout specification keys: "
                             f"{matches}. Please make sure each tensor/variable path only "
                             "matches at most one layout specification key in the LayoutMap.")
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if key in self._layouts:
            raise ValueError(f"{key} already exist in the LayoutMap with value "
                             f"{self._layouts[key]}. Please make sure to not use duplicated "
                             "keys.")
        if isinstance(layout, tuple):
            layout = TensorLayout(axes=layout, device_mesh=None)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"{layout} should be a TensorLayout type, got {type(layout)}")
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key):
        return self._layouts.pop(key)

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    @property
    def device_mesh(self):
        return self._device_mesh
