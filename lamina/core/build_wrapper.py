"""The wrapper every Layer subclass's own `build` gets (see `Layer.__init_subclass__`)."""

import functools

from lamina.core import naming


def marking_built(build):
    """Wrap a subclass's `build` so that calling it, even directly, marks the layer built
    (a later first call must not build, and create the weights, a second time), and runs
    in the layer's name scope: sublayers it builds get paths like `block/dense/kernel`."""

    @functools.wraps(build)
    def wrapper(self, *args, **kwargs):
        with naming.own_scope(self.name):
            result = build(self, *args, **kwargs)
        self.built = True
        if len(args) == 1 and not kwargs and self.__dict__.get("_build_shapes") is None:
            self._build_shapes = args[0]
        return result

    wrapper._marks_built = True
    return wrapper
