"""plot_model / model_to_dot / summary for Sequential, functional, nested and subclassed models.

The files are read back: PNG signature and pixel size from the IHDR header, the Graphviz
source parsed with pydot for nodes, labels and edges.
"""

import importlib.util
import os
import pathlib
import shutil
import struct
import sys
import warnings

import numpy as np
import pydot
import pytest

import lamina as keras
from lamina import layers
from lamina.utils import model_to_dot, plot_model
from lamina.utils import model_visualization

# pydot's parser (used to read the .dot files back) calls pyparsing's deprecated names.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz `dot` not installed (make setup installs it)")


def _load_plots():
    spec = importlib.util.spec_from_file_location("lamina_example_plots", EXAMPLES / "plots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plots = _load_plots()
note = plots.note  # examples/note_models.py: the note's models


# -- reading the files back ----------------------------------------------------------------

def png_size(path):
    """(width, height) from a PNG file's IHDR chunk; checks the signature."""
    data = pathlib.Path(path).read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def parse_dot(source):
    graphs = pydot.graph_from_dot_data(source)
    assert graphs and len(graphs) == 1
    return graphs[0]


def _unquote(name):
    return name.strip('"')


def all_nodes(graph):
    """{node name: label} over the graph and its clusters (the `node`/`edge` defaults excluded)."""
    out = {}
    for n in graph.get_nodes():
        if n.get_name() not in ("node", "edge", "graph"):
            out[_unquote(n.get_name())] = n.get_label() or ""
    for sub in graph.get_subgraphs():
        out.update(all_nodes(sub))
    return out


def all_edges(graph, visible_only=True):
    """[(src, dst)] over the graph and its clusters, invisible layout edges excluded."""
    out = []
    for e in graph.get_edges():
        if visible_only and (e.get_style() or "").strip('"') == "invis":
            continue
        out.append((_unquote(e.get_source()), _unquote(e.get_destination())))
    for sub in graph.get_subgraphs():
        out.extend(all_edges(sub, visible_only))
    return out


def summary_text(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return "\n".join(lines)


TICKET_EDGES = {("title", "concatenate"), ("text_body", "concatenate"), ("tags", "concatenate"),
                ("concatenate", "dense"), ("dense", "priority"), ("dense", "department")}


@pytest.fixture
def ticket():
    return note.ticket_model()


@pytest.fixture
def customer_model():
    model = note.CustomerTicketModel(num_departments=note.NUM_DEPARTMENTS)
    model(plots.ticket_batch())
    return model


# -- the note's functional ticket model ------------------------------------------------------

def test_ticket_dot_source_has_every_layer_and_one_edge_per_connection(ticket, tmp_path):
    model = ticket
    path = tmp_path / "ticket.dot"
    plot_model(model, str(path), show_shapes=True, show_layer_names=True)
    graph = parse_dot(path.read_text())
    nodes = all_nodes(graph)
    assert set(nodes) == {l.name for l in model.layers}
    for layer in model.layers:
        assert f"<b>{layer.name}</b> ({type(layer).__name__})" in nodes[layer.name]
    edges = all_edges(graph)
    assert len(edges) == 6 and set(edges) == TICKET_EDGES
    assert [s for s, d in edges if d == "concatenate"] == ["title", "text_body", "tags"]
    outputs = {d for s, d in edges} - {s for s, d in edges}
    assert outputs == {"priority", "department"}


def test_ticket_dot_source_shows_input_and_output_shapes(ticket):
    model = ticket
    nodes = all_nodes(model_to_dot(model, show_shapes=True))
    concat = nodes["concatenate"]
    assert "input" in concat and "(None, 10000)<br/>(None, 10000)<br/>(None, 100)" in concat
    assert "output" in concat and "(None, 20100)" in concat
    assert "(None, 20100)" in nodes["dense"] and "(None, 64)" in nodes["dense"]
    assert "(None, 64)" in nodes["priority"] and "(None, 1)" in nodes["priority"]
    assert "(None, 4)" in nodes["department"]
    assert "(None, 100)" in nodes["tags"]
    assert "input</td>" not in nodes["title"]  # an InputLayer shows only its output
    plain = all_nodes(model_to_dot(model))
    assert "(None" not in "".join(plain.values())


@needs_dot
def test_ticket_png_header_and_pixel_size_follows_layout_and_dpi(ticket, tmp_path):
    model = ticket
    for dpi in (200, 100):
        path = tmp_path / f"ticket_{dpi}.png"
        assert plot_model(model, str(path), show_shapes=True, dpi=dpi,
                          show_layer_names=True) is None
        width, height = png_size(path)
        # `dot -Tplain` gives the layout's size in inches; the PNG adds 4pt of padding a side.
        first = model_to_dot(model, show_shapes=True, dpi=dpi).create(format="plain")
        _, _, w_in, h_in = first.decode().split("\n")[0].split()
        pad = 8 / 72
        assert abs(width - (float(w_in) + pad) * dpi) <= 3
        assert abs(height - (float(h_in) + pad) * dpi) <= 3
        assert width > 500 * dpi / 200 and height > 500 * dpi / 200
    w200, _ = png_size(tmp_path / "ticket_200.png")
    w100, _ = png_size(tmp_path / "ticket_100.png")
    assert abs(w200 / w100 - 2) < 0.05


@needs_dot
def test_output_format_follows_extension(ticket, tmp_path):
    model = ticket
    plot_model(model, str(tmp_path / "m.svg"))
    plot_model(model, str(tmp_path / "m.pdf"))
    plot_model(model, str(tmp_path / "m.dot"))
    plot_model(model, str(tmp_path / "m.jpg"))
    assert b"<svg" in (tmp_path / "m.svg").read_bytes()[:400]
    assert (tmp_path / "m.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "m.dot").read_text().startswith("digraph")
    assert (tmp_path / "m.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    with pytest.raises(ValueError, match="unknown format 'xyz'"):
        plot_model(model, str(tmp_path / "m.xyz"))


def test_updated_ticket_model_has_third_output(ticket):
    new_model = note.extended_ticket_model(ticket)
    graph = model_to_dot(new_model, show_shapes=True)
    edges = all_edges(graph)
    assert set(edges) == TICKET_EDGES | {("dense", "difficulty")} and len(edges) == 7
    assert "(None, 3)" in all_nodes(graph)["difficulty"]


def test_label_options(ticket):
    model = ticket
    nodes = all_nodes(model_to_dot(model, show_dtype=True, show_layer_activations=True,
                                   show_trainable=True, show_layer_names=False))
    dense = nodes["dense"]
    assert "<b>Dense</b>" in dense and "<b>dense</b>" not in dense
    assert "float32" in dense and "relu" in dense and "trainable" in dense and "yes" in dense
    assert "softmax" in nodes["department"] and "sigmoid" in nodes["priority"]
    model.get_layer("dense").trainable = False
    assert ">no<" in all_nodes(model_to_dot(model, show_trainable=True))["dense"]
    graph = model_to_dot(model, rankdir="LR", dpi=96)
    assert graph.get_rankdir() == "LR" and str(graph.get_dpi()) == "96"
    with pytest.raises(ValueError, match="rankdir"):
        model_to_dot(model, rankdir="XY")


# -- Sequential --------------------------------------------------------------------------

def test_sequential_plot_and_unbuilt_sequential():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    graph = model_to_dot(model, show_shapes=True)
    names = [l.name for l in model._layers]
    assert set(all_nodes(graph)) == set(names)
    assert all_edges(graph) == [(names[0], names[1]), (names[1], names[2])]
    assert "(None, 3)" in all_nodes(graph)[names[1]]

    unbuilt = keras.Sequential([layers.Dense(64), layers.Dense(10)])
    graph = model_to_dot(unbuilt, show_shapes=True)
    a, b = (l.name for l in unbuilt.layers)
    assert all_edges(graph) == [(a, b)]
    assert ">?<" in all_nodes(graph)[a]


# -- the note's subclassed CustomerTicketModel ----------------------------------------------------

def test_customer_ticket_model_summary_after_one_call(customer_model):
    text = summary_text(customer_model)
    rows = [l for l in text.splitlines() if "(" in l and ")" in l and "Model:" not in l
            and not l.startswith("Layer")]
    layer_rows = [r for r in rows if not r.startswith(" ")]
    expected = [("concatenate", "Concatenate", "(None, 20100)", "0"),
                ("dense", "Dense", "(None, 64)", "1286464"),
                ("dense_1", "Dense", "(None, 1)", "65"),
                ("dense_2", "Dense", "(None, 4)", "260")]
    assert len(layer_rows) == 4
    for row, (name, cls, shape, params) in zip(layer_rows, expected):
        assert row.split()[0] == name and f"({cls})" in row
        assert shape in row and params in row.split()
    assert "Total params: 1,286,789" in text
    assert "Trainable params: 1,286,789" in text
    assert "could not be traced" not in text


def test_customer_ticket_model_plot_has_the_functional_models_edges(ticket, customer_model):
    functional = ticket

    def indexed_edges(model):
        graph = model_to_dot(model, show_shapes=True)
        order = [l.name for l in graph_layers(model)]
        return sorted((order.index(s), order.index(d)) for s, d in all_edges(graph)), graph

    def graph_layers(model):
        from lamina.models.graph_view import graph_view

        view = graph_view(model)
        return view.input_layers + view.layers

    f_edges, _ = indexed_edges(functional)
    s_edges, graph = indexed_edges(customer_model)
    assert s_edges == f_edges and len(s_edges) == 6
    nodes = all_nodes(graph)
    assert {"title", "text_body", "tags"} <= set(nodes)
    # the fixtures made the functional model's layers first: concatenate, dense, ...
    assert "(None, 20100)" in nodes["concatenate_1"] and "(None, 4)" in nodes["dense_3"]


def test_subclassed_model_built_with_build_input_shape():
    model = note.CustomerTicketModel(num_departments=4)
    model.build({"title": (None, 10000), "text_body": (None, 10000), "tags": (None, 100)})
    assert "Total params: 1,286,789" in summary_text(model)
    assert len(all_edges(model_to_dot(model))) == 6


def test_unbuilt_subclassed_model_cannot_be_plotted():
    model = note.CustomerTicketModel(num_departments=4)
    with pytest.raises(ValueError, match="not been built yet"):
        model_to_dot(model)


class Branchy(keras.Model):
    """Data-dependent Python control flow: cannot be traced on symbolic inputs."""

    def __init__(self):
        super().__init__()
        self.first = layers.Dense(5)
        self.positive = layers.Dense(3)
        self.negative = layers.Dense(3)

    def call(self, x):
        x = self.first(x)
        if keras.ops.sum(x) > 0:
            return self.positive(x)
        return self.negative(x)


def test_untraceable_subclassed_model_falls_back_to_listing_layers():
    model = Branchy()
    model(np.ones((2, 4), "float32"))
    text = summary_text(model)
    assert "could not be traced" in text and "TypeError" in text
    for layer in model.layers:
        assert f"{layer.name} (Dense)" in text

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = model_to_dot(model)
    assert not caught  # model_to_dot only returns the graph; plot_model warns
    label = graph.get_label()
    assert "could not be traced" in label and "branchy" in label
    assert set(all_nodes(graph)) == {l.name for l in model.layers}
    assert all_edges(graph) == []  # no connections drawn (only invisible layout edges)


def test_untraceable_model_warns_in_plot_model(tmp_path):
    model = Branchy()
    model(np.ones((2, 4), "float32"))
    with pytest.warns(UserWarning, match="could not be traced"):
        plot_model(model, str(tmp_path / "branchy.dot"))
    assert "could not be traced" in (tmp_path / "branchy.dot").read_text()


# -- nested models ---------------------------------------------------------------------------

def test_subclassed_model_inside_functional_model_expand_nested():
    model = note.functional_with_subclassed()  # Input -> Dense(64) -> Classifier(10)
    x, features, clf = (l.name for l in model.layers)
    inner = f"{clf}/{model.layers[-1].dense.name}"

    flat = model_to_dot(model, show_shapes=True)
    assert all_edges(flat) == [(x, features), (features, clf)]
    assert "(None, 10)" in all_nodes(flat)[clf]

    nested = model_to_dot(model, show_shapes=True, expand_nested=True)
    assert all_edges(nested) == [(x, features), (features, inner)]
    cluster = nested.get_subgraphs()[0]
    assert cluster.get_name() == f"cluster_{clf}"
    assert "(Classifier)" in cluster.get_label()
    assert "(None, 64)" in all_nodes(nested)[inner]
    text = summary_text(model, expand_nested=True)
    assert f"| {model.layers[-1].dense.name} (Dense)" in text


def test_functional_model_inside_subclassed_model_expand_nested():
    model = note.subclassed_with_functional()  # Dense(64) -> functional binary classifier
    model(np.ones((2, 10), "float32"))
    hidden, inner = model.dense.name, model.classifier
    nested = model_to_dot(model, expand_nested=True)  # traces call() on symbolic inputs
    traced_input = model._traced[0]._keras_history[0].name
    assert sorted(all_edges(nested)) == sorted(
        [(traced_input, hidden), (hidden, f"{inner.name}/{inner.layers[-1].name}")])
    assert sorted(all_edges(model_to_dot(model))) == sorted(
        [(traced_input, hidden), (hidden, inner.name)])


def test_nested_model_with_two_inputs_and_a_shared_layer():
    x1, x2 = keras.Input((4,), name="x1"), keras.Input((6,), name="x2")
    h = layers.Add(name="sum")([layers.Dense(3, name="h1")(x1), layers.Dense(3, name="h2")(x2)])
    two = keras.Model([x1, x2], h, name="two")
    a, b = keras.Input((4,), name="a"), keras.Input((6,), name="b")
    shared = layers.Dense(3, name="shared")
    y = two([a, b])
    out = layers.Add(name="join")([shared(y), shared(y)])
    model = keras.Model([a, b], out)
    edges = all_edges(model_to_dot(model, expand_nested=True))
    assert sorted(edges) == sorted([("a", "two/h1"), ("b", "two/h2"), ("two/h1", "two/sum"),
                                    ("two/h2", "two/sum"), ("two/sum", "shared"),
                                    ("two/sum", "shared"), ("shared", "join"),
                                    ("shared", "join")])


# -- missing pydot / dot --------------------------------------------------------------------

def test_missing_pydot_says_how_to_install(ticket, monkeypatch, tmp_path):
    model = ticket
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError) as info:
        plot_model(model, str(tmp_path / "m.png"))
    assert "pip install pydot" in str(info.value) and "apt-get install graphviz" in str(info.value)


def test_missing_dot_program_says_how_to_install(ticket, monkeypatch, tmp_path):
    model = ticket
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ImportError) as info:
        plot_model(model, str(tmp_path / "m.png"))
    message = str(info.value)
    assert "`dot`" in message and "apt-get install graphviz" in message
    assert "pip install pydot" in message
    plot_model(model, str(tmp_path / "m.dot"))  # the source needs no `dot` program
    assert (tmp_path / "m.dot").exists()
    assert model_visualization.INSTALL_HINT in message


# -- the demo's pictures ------------------------------------------------------------------

@needs_dot
def test_example_writes_the_notes_pictures(tmp_path):
    paths = plots.write_note_plots(str(tmp_path))
    assert [os.path.basename(p) for p in paths] == [
        "ticket_classifier.png", "ticket_classifier_with_shape_info.png",
        "updated_ticket_classifier.png", "customer_ticket_model.png"]
    assert all(os.path.dirname(p) == str(tmp_path) for p in paths)
    sizes = [png_size(p) for p in paths]
    plain, shapes, updated, subclassed = sizes
    assert shapes[0] > plain[0] and shapes[1] > plain[1]  # shape rows make boxes bigger
    assert updated[0] >= shapes[0]  # a third output box side by side
    assert abs(subclassed[1] - shapes[1]) <= 4  # same layout as the functional model


def test_plot_model_defaults_and_splines_as_in_keras(tmp_path):
    import inspect
    os.environ.setdefault("KERAS_BACKEND", "jax")
    real = pytest.importorskip("keras")
    for name in ("plot_model", "model_to_dot"):
        args = ("m",) + tuple(f"v{i}" for i in range(10))
        ours = inspect.signature(getattr(keras.utils, name)).bind(*args)
        theirs = inspect.signature(getattr(real.utils, name)).bind(*args)
        ours.apply_defaults()
        theirs.apply_defaults()
        assert ours.arguments == theirs.arguments
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="dense_xyz")])
    assert model_to_dot(model).get_splines() == "ortho"
    assert model_to_dot(model, splines="curved").get_splines() == "curved"
    plot_model(model, to_file=str(tmp_path / "m.dot"))
    assert "<b>dense_xyz</b>" not in (tmp_path / "m.dot").read_text()  # no layer names
    with pytest.raises(ValueError, match="splines must be one of.*'wavy'"):
        model_to_dot(model, splines="wavy")
