"""`plot_model` and `model_to_dot`: draw a model's layer graph with pydot and Graphviz's `dot`.

Every kind of model is drawn from the same `GraphView` that `summary()` uses: Sequential and
functional models from their graph, subclassed models from the graph their `call` recorded
when traced on symbolic inputs. One box per layer, one edge per connection (tensor from a
layer into a layer call); nested models become dashed clusters with `expand_nested=True`.
"""

import html
import os
import shutil
import textwrap
import warnings

from lamina.models.graph_view import graph_view

INSTALL_HINT = (
    "plot_model needs the `pydot` Python package and Graphviz's `dot` program. Install them "
    "with `pip install pydot` and `apt-get install graphviz` (Debian/Ubuntu; `brew install "
    "graphviz` on macOS, other systems: https://graphviz.org/download/).")

_HEADER_COLORS = {"input": "#d9ead3", "model": "#fce5cd", "layer": "#cfe2f3"}
_TEXT_FORMATS = ("dot", "gv")


def _import_pydot():
    try:
        import pydot
    except ImportError as e:
        raise ImportError(f"The `pydot` package is not installed. {INSTALL_HINT}") from e
    return pydot


def _check_dot_program():
    if shutil.which("dot") is None:
        raise ImportError(f"Graphviz's `dot` program was not found on PATH. {INSTALL_HINT}")


# -- labels ---------------------------------------------------------------------------------

def _esc(text):
    return html.escape(str(text), quote=False)


def _is_model(layer):
    from lamina.models.model import Model

    return isinstance(layer, Model)


def _kind(layer):
    if type(layer).__name__ == "InputLayer":
        return "input"
    return "model" if _is_model(layer) else "layer"


def _shapes_cell(per_node):
    """One line per tensor; "multiple" when the layer's calls in this model differ."""
    if not per_node:
        return "?"
    first = per_node[0]
    if any(shapes != first for shapes in per_node[1:]):
        return "multiple"
    return "<br/>".join(_esc(s) for s in first) or "?"


def _activation_name(layer):
    fn = getattr(layer, "activation", None)
    if fn is None:
        return None
    return getattr(fn, "__name__", type(fn).__name__)


def _row(key, value, bgcolor="white"):
    return (f'<tr><td align="left" bgcolor="{bgcolor}">{key}</td>'
            f'<td align="left" balign="left" bgcolor="{bgcolor}">{value}</td></tr>')


def _layer_label(layer, nodes, opts):
    """An HTML-like Graphviz label: a header "name (Class)" and key/value rows."""
    cls = _esc(type(layer).__name__)
    header = f"<b>{_esc(layer.name)}</b> ({cls})" if opts["show_layer_names"] else f"<b>{cls}</b>"
    rows = [f'<tr><td colspan="2" bgcolor="{_HEADER_COLORS[_kind(layer)]}">{header}</td></tr>']
    if opts["show_shapes"]:
        if _kind(layer) != "input":
            rows.append(_row("input", _shapes_cell(
                [[t.shape for t in n.input_tensors] for n in nodes])))
        rows.append(_row("output", _shapes_cell([[t.shape for t in n.output_tensors] for n in nodes])))
    if opts["show_dtype"]:
        dtypes = [[t.dtype for t in n.output_tensors] for n in nodes]
        rows.append(_row("dtype", _shapes_cell(dtypes) if nodes else _esc(layer.dtype)))
    if opts["show_layer_activations"] and _activation_name(layer) is not None:
        rows.append(_row("activation", _esc(_activation_name(layer))))
    if opts["show_trainable"]:
        yes = bool(layer.trainable)
        rows.append(_row("trainable", "yes" if yes else "no", "#d9ead3" if yes else "#f4cccc"))
    return ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="5" color="#555555">'
            + "".join(rows) + "</table>>")


# -- the graph ------------------------------------------------------------------------------

class _Drawer:
    """Adds boxes and edges for a model (recursively for expanded nested models)."""

    def __init__(self, pydot, opts):
        self.pydot = pydot
        self.opts = opts
        self.expanded = {}  # id(model) -> (entry, exit): box names per inner input / output
        self.clusters = {}  # id(model) -> its cluster's Graphviz name
        self.fed_inside = {}  # id(model) -> boxes with an incoming edge from inside the model
        self._fed = set()  # boxes given an incoming edge by the draw() in progress
        self.notes = []

    def _add_box(self, container, name, layer, nodes):
        container.add_node(self.pydot.Node(name, label=_layer_label(layer, nodes, self.opts)))

    def _add_edge(self, container, src, dst, **attrs):
        container.add_edge(self.pydot.Edge(src, dst, **attrs))
        self._fed.add(dst)

    def _lhead(self, layer, dst):
        """An edge into an expanded model's first layer stops at the cluster's border, so it
        does not cross the cluster's label (the layer sits right below it)."""
        if id(layer) not in self.expanded or dst in self.fed_inside[id(layer)]:
            return {}
        return {"lhead": self.clusters[id(layer)], "minlen": 2}

    def draw(self, model, container, prefix="", nested=False):
        """Draw `model` into `container`. Returns (entry, exit) for an expanded nested model:
        entry[i] lists the boxes fed by model input i, exit[j] the boxes making output j."""
        view = graph_view(model)
        if view.note:
            self.notes.append(view.note)
        inputs_index = {id(t): i for i, t in enumerate(view.inputs)}
        consumed = {id(t) for n in view.nodes for t in n.input_tensors}
        skip_inputs = nested and all(id(t) in consumed for t in view.inputs) and \
            not any(id(t) in inputs_index for t in view.outputs)
        layers = view.layers if skip_inputs else view.input_layers + view.layers
        ids = view.node_ids

        boxes = {}
        for layer in layers:
            nodes = [n for n in layer._inbound_nodes if id(n) in ids or
                     (n.is_input and any(id(t) in inputs_index for t in n.output_tensors))]
            if self.opts["expand_nested"] and _is_model(layer) and graph_view(layer).traced:
                if id(layer) not in self.expanded:
                    cluster = self.pydot.Cluster(
                        _cluster_name(prefix + layer.name),
                        label=f"<<b>{_esc(layer.name)}</b> ({_esc(type(layer).__name__)})>",
                        style="rounded,dashed", color="#777777", labeljust="l", fontsize=12,
                        fontname="Helvetica")
                    container.add_subgraph(cluster)
                    self.clusters[id(layer)] = cluster.get_name()
                    outer_fed, self._fed = self._fed, set()
                    self.expanded[id(layer)] = self.draw(layer, cluster, prefix + layer.name + "/",
                                                         nested=True)
                    self.fed_inside[id(layer)] = self._fed
                    self._fed = outer_fed | self._fed
                continue
            boxes[id(layer)] = prefix + layer.name
            self._add_box(container, prefix + layer.name, layer, nodes)

        entry = [[] for _ in view.inputs]

        def producers(t):
            layer, _, index = t._keras_history
            if id(layer) in self.expanded:
                return self.expanded[id(layer)][1][index]
            return [boxes[id(layer)]]

        for node in view.nodes:
            for p, t in enumerate(node.input_tensors):
                dsts = self._targets(node, p, boxes)
                if skip_inputs and id(t) in inputs_index:
                    entry[inputs_index[id(t)]].extend(dsts)
                    continue
                for src in producers(t):
                    for dst in dsts:
                        self._add_edge(container, src, dst, **self._lhead(node.layer, dst))
        if not view.nodes and view.kind == "sequential":
            for a, b in zip(view.layers, view.layers[1:]):
                self._add_edge(container, boxes[id(a)], boxes[id(b)])
        elif not view.traced and len(layers) > 1:
            # Untraced: keep the listed layers in a readable column with invisible edges.
            for a, b in zip(layers, layers[1:]):
                if id(a) in boxes and id(b) in boxes:
                    container.add_edge(self.pydot.Edge(boxes[id(a)], boxes[id(b)], style="invis"))
        if not skip_inputs:
            entry = [[boxes[id(t._keras_history[0])]] for t in view.inputs]
        exit_ = [producers(t) for t in view.outputs]
        return entry, exit_

    def _targets(self, node, p, boxes):
        """The boxes that input `p` of `node` flows into (inside an expanded nested model)."""
        layer = node.layer
        if id(layer) not in self.expanded:
            return [boxes[id(layer)]]
        entry = self.expanded[id(layer)][0]
        n_in = len(node.input_tensors)
        if n_in != len(entry):
            return [b for boxes_i in entry for b in boxes_i]
        index = p
        first = node.call_args[0] if node.call_args else None
        if isinstance(first, dict) and len(first) == n_in:
            names = [t._keras_history[0].name for t in graph_view(layer).inputs]
            key = list(first)[p]
            index = names.index(key) if key in names else p
        return entry[index]


def _cluster_name(path):
    return "".join(c if c.isalnum() else "_" for c in path)


def _wrap_note(text):
    return "\\l".join(textwrap.wrap(text, 90)) + "\\l"


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs):
    """The `pydot.Dot` graph of `model` (a `pydot.Cluster` when `subgraph=True`).

    Boxes are layers ("name (Class)", input/output shapes with `show_shapes`, output dtype
    with `show_dtype`, activation, trainable); edges are connections. `rankdir`: "TB"
    (default, top to bottom) or "LR". `expand_nested` draws nested models as clusters of
    their layers. A subclassed model must be built (called once, or `build(input_shape)`);
    if its `call` cannot be traced its layers are drawn without connections and the graph's
    label says why. Needs `pydot` only (not the `dot` program).
    """
    return _make_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                     show_layer_names=show_layer_names, rankdir=rankdir,
                     expand_nested=expand_nested, dpi=dpi, subgraph=subgraph,
                     show_layer_activations=show_layer_activations,
                     show_trainable=show_trainable, splines=splines, **kwargs)[0]


_SPLINES = ("ortho", "spline", "true", "polyline", "line", "false", "curved", "none", "")


def _make_dot(model, rankdir, dpi, subgraph, splines="ortho", **opts):
    """(graph, notes): `model_to_dot`'s graph and the untraceable-model notes it shows."""
    extra = set(opts) - {"show_shapes", "show_dtype", "show_layer_names", "expand_nested",
                         "show_layer_activations", "show_trainable"}
    if extra:
        raise TypeError(f"model_to_dot() got unexpected keyword argument(s) {sorted(extra)}.")
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"rankdir must be 'TB' or 'LR' (or 'BT', 'RL'), got {rankdir!r}.")
    if str(splines).lower() not in _SPLINES:
        raise ValueError(f"splines must be one of Graphviz's {_SPLINES}, got {splines!r}.")
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    if not isinstance(model, Model):
        raise ValueError(f"plot_model expects a Model, got {type(model).__name__}: {model!r}.")
    if not model.built and not isinstance(model, Sequential):
        raise ValueError(
            f"Model '{model.name}' has not been built yet, so its structure is unknown. Build it "
            "first: call it on a batch of data, or call `build(input_shape)`.")
    pydot = _import_pydot()
    if subgraph:
        dot = pydot.Cluster(_cluster_name(model.name), label=model.name, style="rounded,dashed")
    else:
        dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=dpi, fontname="Helvetica",
                        nodesep=0.3, ranksep=0.6, compound="true", splines=splines)
        dot.set_node_defaults(shape="plaintext", fontname="Helvetica", fontsize=12, margin=0,
                              width=0, height=0)
        dot.set_edge_defaults(color="#444444", arrowsize=0.8)
    drawer = _Drawer(pydot, opts)
    drawer.draw(model, dot)
    if drawer.notes:
        dot.set_label(_wrap_note(" ".join(drawer.notes)))
        dot.set_labelloc("t")
        dot.set_fontsize(12)
    return dot, drawer.notes


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs):
    """Draw `model`'s layer graph into `to_file`; the format follows its extension
    (png, svg, pdf, jpg, ...; `.dot`/`.gv` write the Graphviz source, no `dot` needed).

    Options as in `model_to_dot`. Raises ImportError saying how to install `pydot` or
    Graphviz when either is missing. Returns an IPython image when IPython is installed
    (png/jpg/svg), else None. Warns when a subclassed model's `call` could not be traced.
    """
    dot, notes = _make_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                           show_layer_names=show_layer_names, rankdir=rankdir,
                           expand_nested=expand_nested, dpi=dpi, subgraph=False,
                           show_layer_activations=show_layer_activations,
                           show_trainable=show_trainable, splines=splines, **kwargs)
    for note in notes:
        warnings.warn(note, stacklevel=2)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1].lstrip(".").lower() or "png"
    if extension in _TEXT_FORMATS:
        with open(to_file, "w", encoding="utf-8") as f:
            f.write(dot.to_string())
        return None
    if extension not in dot.formats:
        raise ValueError(f"plot_model cannot write '{to_file}': unknown format '{extension}'. "
                         "Use an extension like .png, .svg, .pdf or .dot.")
    _check_dot_program()
    try:
        dot.write(to_file, format=extension)
    except FileNotFoundError as e:
        raise ImportError(f"Graphviz's `dot` program could not be run. {INSTALL_HINT}") from e
    return _ipython_image(to_file, extension)


def _ipython_image(path, extension):
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == "svg":
        return display.SVG(filename=path)
    if extension in ("png", "jpg", "jpeg", "gif"):
        return display.Image(filename=path)
    return None
