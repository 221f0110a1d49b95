"""InputSpec: what a layer accepts (rank, dtype, fixed axis sizes), checked on every call."""


class InputSpec:
    """Constraints on one layer input.

    Args:
        shape: full shape with None for free dims. ndim/min_ndim/max_ndim: rank bounds.
        axes: {axis: size} that must hold, e.g. {-1: 784}. dtype: required dtype name.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.name = name
        self.optional = optional

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("shape", self.shape), ("ndim", self.ndim),
                                          ("min_ndim", self.min_ndim), ("max_ndim", self.max_ndim),
                                          ("axes", self.axes or None)) if v is not None]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}


def _expected(spec):
    if spec.shape is not None:
        return f"shape={spec.shape}"
    parts = []
    if spec.ndim is not None:
        parts.append(f"ndim={spec.ndim}")
    if spec.min_ndim is not None:
        parts.append(f"min_ndim={spec.min_ndim}")
    if spec.max_ndim is not None:
        parts.append(f"max_ndim={spec.max_ndim}")
    if spec.axes:
        parts.append("axis " + ", ".join(f"{a} of size {s}" for a, s in spec.axes.items()))
    return ", ".join(parts)


def assert_input_compatibility(specs, shapes, layer_name):
    """Raise ValueError naming the layer, the expected and received shapes on a mismatch.

    `specs`: an InputSpec or a list of them; `shapes`: the matching list of shapes.
    """
    if specs is None:
        return
    if not isinstance(specs, (list, tuple)):
        specs = [specs]
    if len(shapes) != len(specs):
        raise ValueError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but it received "
            f"{len(shapes)} input tensor(s). Shapes received: {list(shapes)}")
    for i, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is None or shape is None:
            continue
        shape = tuple(shape)
        rank = len(shape)
        bad = (
            (spec.ndim is not None and rank != spec.ndim)
            or (spec.min_ndim is not None and rank < spec.min_ndim)
            or (spec.max_ndim is not None and rank > spec.max_ndim)
        )
        if not bad and spec.axes:
            for axis, size in spec.axes.items():
                if size is None:
                    continue
                if -rank <= axis < rank and shape[axis] is not None and shape[axis] != size:
                    bad = True
        if not bad and spec.shape is not None:
            for want, got in zip(spec.shape, shape):
                if want is not None and got is not None and want != got:
                    bad = True
        if bad:
            raise ValueError(
                f"Input {i} of layer '{layer_name}' is incompatible with the layer: "
                f"expected {_expected(spec)}, but received input with shape {shape}")
