"""model.summary(): rows, shapes, parameter counts, print_fn, line_length, the
"Connected to" column, show_trainable, expand_nested, layer_range."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


def _summary(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def _row(lines, start):
    return next(line for line in lines if line.startswith(start))


def _sequential():
    return keras.Sequential([keras.Input((3,)), layers.Dense(64, activation="relu"),
                             layers.Dense(10, activation="softmax")])


def test_sequential_rows_and_totals():
    lines = _summary(_sequential())
    assert lines[0] == 'Model: "sequential"'
    assert lines[1] == "_" * 65 and lines[3] == "=" * 65
    assert lines[2].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    assert _row(lines, "dense (Dense)").split()[2:] == ["(None,", "64)", "256"]
    assert _row(lines, "dense_1 (Dense)").split()[2:] == ["(None,", "10)", "650"]
    assert lines[-4:] == ["Total params: 906", "Trainable params: 906",
                          "Non-trainable params: 0", "_" * 65]
    assert not any("InputLayer" in line for line in lines)  # Sequential hides its Input
    assert not any("Connected to" in line for line in lines)


def test_print_fn_receives_every_line_and_default_prints(capsys):
    model = _sequential()
    lines = _summary(model)
    model.summary()
    assert capsys.readouterr().out.splitlines() == lines


def test_line_length():
    lines = _summary(_sequential(), line_length=80)
    assert lines[1] == "_" * 80
    assert all(len(line) <= 80 for line in lines)
    assert _row(lines, "dense (Dense)").index("(None, 64)") == int(80 * 0.45)


def test_big_numbers_use_thousands_separators():
    model = keras.Sequential([keras.Input((20100,)), layers.Dense(64)])
    lines = _summary(model)
    assert "Total params: 1,286,464" in lines
    assert "1286464" in _row(lines, "dense (Dense)")


def test_functional_graph_gets_a_connected_to_column():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    cat = layers.Concatenate()([a, b])
    model = keras.Model([a, b], layers.Dense(1, name="out")(cat))
    lines = _summary(model)
    assert lines[1] == "_" * 98
    assert "Connected to" in lines[2]
    assert "a (InputLayer)" in lines[4] and "(None, 3)" in lines[4]
    cat_row = lines.index(_row(lines, "concatenate (Concatenate)"))
    assert lines[cat_row].split()[-1] == "a[0][0]"
    assert lines[cat_row + 1].split() == ["b[0][0]"]
    assert _row(lines, "out (Dense)").split()[-1] == "concatenate[0][0]"
    assert "Total params: 6" in lines


def test_functional_chain_has_no_connected_to_column_but_lists_its_input():
    inputs = keras.Input(shape=(3,), name="my_input")
    features = layers.Dense(64, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(features))
    lines = _summary(model)
    assert not any("Connected to" in line for line in lines)
    assert _row(lines, "my_input (InputLayer)").split()[2:] == ["(None,", "3)", "0"]
    assert "Total params: 906" in lines


def test_show_trainable_and_frozen_counts():
    model = _sequential()
    model.layers[0].trainable = False
    lines = _summary(model, show_trainable=True)
    assert lines[2].split()[-1] == "Trainable"
    assert _row(lines, "dense (Dense)").split()[-1] == "N"
    assert _row(lines, "dense_1 (Dense)").split()[-1] == "Y"
    assert "Trainable params: 650" in lines and "Non-trainable params: 256" in lines
    x = keras.Input((3,), name="x")
    functional = keras.Model(x, layers.Dense(1, name="d")(layers.Dropout(0.5, name="drop")(x)))
    lines = _summary(functional, show_trainable=True)
    # as Keras: "-" for layers without weights
    assert [_row(lines, name).split()[-1] for name in ("x ", "drop", "d ")] == ["-", "-", "Y"]


def test_expand_nested():
    inner = keras.Sequential([layers.Dense(5, name="in1"), layers.Dense(3, name="in2")], name="inner")
    model = keras.Sequential([keras.Input((2,)), inner, layers.Dense(1)])
    flat = _summary(model)
    assert not any("in1" in line for line in flat)
    nested = _summary(model, expand_nested=True)
    assert _row(nested, "| in1 (Dense)").split()[3:] == ["(None,", "5)", "15"]
    assert _row(nested, "| in2 (Dense)").split()[3:] == ["(None,", "3)", "18"]
    assert _row(nested, "inner (Sequential)").split()[-1] == "33"


def test_layer_range():
    x = keras.Input((3,), name="x")
    h = layers.Dense(4, name="h1")(x)
    h = layers.Dense(4, name="h2")(h)
    model = keras.Model(x, layers.Dense(1, name="h3")(h))
    lines = _summary(model, layer_range=["h1", "h2"])
    names = [line.split()[0] for line in lines if "(Dense)" in line or "(InputLayer)" in line]
    assert names == ["h1", "h2"]


def test_unbuilt_model():
    model = keras.Sequential([layers.Dense(2), layers.Dense(1)])
    lines = _summary(model)
    row = _row(lines, "dense (Dense)")
    at = lines.index(row)
    assert row.split()[2] == "?"
    assert " ".join(lines[at:at + 2]).split()[3:] == ["0", "(unbuilt)"]
    assert "Total params: 0" in lines


def test_shared_layer_rows_show_both_calls():
    shared = layers.Dense(2, name="shared")
    p = keras.Input((3,), name="p")
    q = keras.Input((3,), name="q")
    model = keras.Model([p, q], layers.Add(name="sum")([shared(p), shared(q)]))
    lines = _summary(model)
    row = lines.index(_row(lines, "shared (Dense)"))
    assert lines[row].split()[-1] == "p[0][0]" and lines[row + 1].split() == ["q[0][0]"]
    sum_row = lines.index(_row(lines, "sum (Add)"))
    assert lines[sum_row].split()[-1] == "shared[0][0]"
    assert lines[sum_row + 1].split() == ["shared[1][0]"]
    assert "Total params: 8" in lines


def test_count_params():
    model = _sequential()
    assert model.count_params() == 906
    with pytest.raises(ValueError, match="have not yet been created"):
        keras.Sequential([layers.Dense(1)]).count_params()
    model(np.ones((1, 3)))
    assert model.count_params() == 906
