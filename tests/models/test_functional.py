"""Functional models: structures of inputs and outputs, nesting, shared layers, layer
introspection, values against Keras 3, and the errors a bad graph or input gives."""

import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(4)


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def test_single_input_single_output():
    inputs = keras.Input(shape=(3,), name="my_input")
    features = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    assert isinstance(model, keras.Functional) and isinstance(model, keras.Model)
    assert model.name == "functional"
    assert [l.name for l in model.layers] == ["my_input", "dense", "dense_1"]
    assert model.count_params() == 906
    out = np.asarray(model(_rand(4, 3)))
    assert out.shape == (4, 10)
    np.testing.assert_allclose(out.sum(axis=1), np.ones(4), rtol=1e-5)
    assert model.input is inputs and model.output is outputs
    assert model.input_shape == (None, 3) and model.output_shape == (None, 10)


def test_positional_and_keyword_construction_and_name():
    x = keras.Input((2,))
    y = layers.Dense(1)(x)
    assert keras.Model(x, y, name="tiny").name == "tiny"
    assert isinstance(keras.Model(inputs=x, outputs=y), keras.Functional)


def test_list_inputs_and_outputs():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    merged = layers.Concatenate()([a, b])
    o1 = layers.Dense(1, name="o1")(merged)
    o2 = layers.Dense(4, name="o2")(merged)
    model = keras.Model([a, b], [o1, o2])
    out = model([_rand(5, 3), _rand(5, 2)])
    assert isinstance(out, list) and [o.shape for o in out] == [(5, 1), (5, 4)]
    assert model.output_shape == [(None, 1), (None, 4)]
    assert model.output_names == ["o1", "o2"]
    assert model.input_names == ["a", "b"]
    # A tuple of arrays works as well as a list; a dict is matched by input names.
    xa, xb = _rand(2, 3), _rand(2, 2)
    by_list = model([xa, xb])
    for got, want in zip(model((xa, xb)), by_list):
        np.testing.assert_allclose(got, want, atol=1e-6)
    for got, want in zip(model({"b": xb, "a": xa}), by_list):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_dict_inputs_fed_by_key_and_dict_outputs():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    cat = layers.Concatenate()([a, b])
    out = layers.Dense(1, kernel_initializer="ones")(cat)
    model = keras.Model({"x1": a, "x2": b}, {"out": out, "cat": cat})
    result = model({"x1": np.ones((1, 3)), "x2": np.zeros((1, 2))})
    assert set(result) == {"out", "cat"}
    np.testing.assert_allclose(result["out"], [[3.0]])
    np.testing.assert_allclose(result["cat"], [[1, 1, 1, 0, 0]])
    assert model.output_names == ["out", "cat"]
    with pytest.raises(ValueError, match=r"missing key\(s\) \['x2'\]"):
        model({"x1": np.ones((1, 3))})
    # Extra keys are ignored, like Keras.
    np.testing.assert_allclose(
        model({"x1": np.ones((1, 3)), "x2": np.zeros((1, 2)), "label": np.ones(1)})["out"], [[3.0]])


def test_nested_models_as_layers():
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    x = keras.Input((3,))
    h = layers.Dense(4)(x)
    y = inner(h)
    assert y.shape == (None, 2) and "created by layer 'inner'" in repr(y)
    model = keras.Model(x, layers.Dense(1)(y))
    assert [l.name for l in model.layers][1:] == ["dense", "inner", "dense_1"]
    assert len(model.weights) == 6 and model.count_params() == 16 + 10 + 3
    xs = _rand(2, 3)
    dense, _, head = model.layers[1], model.layers[2], model.layers[3]
    expected = head(inner(dense(xs)))
    np.testing.assert_allclose(model(xs), expected, atol=1e-6)


def test_shared_layer_used_twice():
    shared = layers.Dense(4, name="shared")
    p = keras.Input((3,), name="p")
    q = keras.Input((3,), name="q")
    s1, s2 = shared(p), shared(q)
    model = keras.Model([p, q], layers.Add()([s1, s2]))
    assert [l.name for l in model.layers] == ["p", "q", "shared", "add"]
    assert len(model.weights) == 2 and model.count_params() == 16
    assert shared.input is p and shared.output is s1  # first call's tensors
    xp, xq = _rand(2, 3), _rand(2, 3)
    np.testing.assert_allclose(model([xp, xq]), shared(xp) + shared(xq), atol=1e-6)


def test_get_layer_by_name_and_index():
    x = keras.Input((3,), name="x")
    model = keras.Model(x, layers.Dense(2, name="out")(layers.Dense(4)(x)))
    assert model.get_layer("out") is model.layers[-1]
    assert model.get_layer(name="dense").name == "dense"
    assert model.get_layer(index=0).name == "x"
    assert model.get_layer(index=-1).name == "out"
    with pytest.raises(ValueError, match=r"No such layer: nope.*\['x', 'dense', 'out'\]"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 7.*only has 3 layers"):
        model.get_layer(index=7)
    with pytest.raises(ValueError, match="only one"):
        model.get_layer(name="x", index=0)


def test_layer_input_and_output_for_several_inputs():
    title = keras.Input((10,), name="title")
    body = keras.Input((10,), name="body")
    tags = keras.Input((4,), name="tags")
    cat = layers.Concatenate()
    out = cat([title, body, tags])
    assert cat.input == [title, body, tags]
    assert cat.output is out and out.shape == (None, 24)
    assert cat.input_shape == [(None, 10), (None, 10), (None, 4)]
    assert cat.output_shape == (None, 24)
    with pytest.raises(AttributeError, match="never been called on a symbolic input"):
        layers.Dense(2).input


def test_functional_model_matches_keras():
    def build(k):
        a = k.Input((6,), name="a")
        b = k.Input((3,), name="b")
        h = k.layers.Dense(8, activation="relu", name="h")(a)
        cat = k.layers.Concatenate(name="cat")([h, b])
        out1 = k.layers.Dense(2, activation="softmax", name="o1")(cat)
        out2 = k.layers.Dense(1, activation="sigmoid", name="o2")(h)
        return k.Model([a, b], [out1, out2])

    ours, theirs = build(keras), build(real_keras)
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    theirs.set_weights([_rand(*w.shape) for w in theirs.weights])
    ours.set_weights(theirs.get_weights())
    xa, xb = _rand(5, 6), _rand(5, 3)
    for got, want in zip(ours([xa, xb]), theirs([xa, xb])):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_outputs_that_do_not_depend_on_inputs():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    with pytest.raises(ValueError) as err:
        keras.Model(a, layers.Dense(2, name="head")(b))
    msg = str(err.value)
    assert "Graph disconnected" in msg and "'b'" in msg and "['a']" in msg and "'head'" in msg
    with pytest.raises(ValueError, match="must be KerasTensors"):
        keras.Model(a, np.ones(3))
    with pytest.raises(ValueError, match="listed twice"):
        keras.Model([a, a], layers.Dense(1)(a))


def test_duplicate_layer_names():
    x = keras.Input((3,))
    y = layers.Dense(2, name="same")(layers.Dense(3, name="same")(x))
    with pytest.raises(ValueError, match="layer names must be unique.*'same' is used 2 times"):
        keras.Model(x, y)


def test_wrong_input_shape_names_model_expected_and_received():
    x = keras.Input((3,), name="x")
    model = keras.Model(x, layers.Dense(2)(x))
    for bad in (np.ones((2, 4)), np.ones((2, 3, 2))):
        with pytest.raises(ValueError) as err:
            model(bad)
        msg = str(err.value)
        assert "'functional'" in msg and "(None, 3)" in msg and str(bad.shape) in msg and "'x'" in msg
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\).*\(None, 5\)"):
        model(keras.Input((5,)))
    with pytest.raises(ValueError, match=r"expects 1 input\(s\).*received 2"):
        model([np.ones((2, 3)), np.ones((2, 3))])


def test_input_batch_size_does_not_fix_the_batch_of_calls():
    """Keras checks model inputs without their batch dimension."""
    x = keras.Input((3,), batch_size=5)
    dense = layers.Dense(2)
    model = keras.Model(x, dense(x))
    assert model.output.shape == (5, 2)
    xs = _rand(7, 3)
    kernel, bias = dense.get_weights()
    expected = xs @ kernel + bias
    np.testing.assert_allclose(model(xs[:2]), expected[:2], atol=1e-6)
    np.testing.assert_allclose(model.predict(xs, verbose=0), expected, atol=1e-6)
    with pytest.raises(ValueError, match=r"expected shape=\(5, 3\).*\(2, 4\)"):
        model(np.ones((2, 4)))


def test_symbolic_call_of_a_functional_model_adds_a_node():
    x = keras.Input((3,))
    model = keras.Model(x, layers.Dense(2)(x), name="block")
    z = keras.Input((3,))
    out = model(z)
    assert out.shape == (None, 2) and "created by layer 'block'" in repr(out)
    wrapper = keras.Model(z, out)
    xs = _rand(2, 3)
    np.testing.assert_allclose(wrapper(xs), model(xs), atol=1e-6)


def test_int_inputs_keep_their_dtype_and_floats_are_cast():
    ids = keras.Input((3,), dtype="int32")
    model = keras.Model(ids, ids * 2)
    out = model(np.array([[1, 2, 3]], dtype="int64"))
    assert out.dtype == np.int32
    x = keras.Input((2,))
    m2 = keras.Model(x, layers.Dense(1)(x))
    assert m2(np.ones((1, 2), dtype="float64")).dtype == np.float32


def test_fast_path_equals_the_eager_per_layer_path():
    x = keras.Input((5,))
    d1, d2 = layers.Dense(8, activation="relu"), layers.Dense(3)
    model = keras.Model(x, d2(d1(x)))
    xs = _rand(4, 5)
    np.testing.assert_allclose(model(xs), d2(d1(xs)), atol=1e-6)
    # After the weights change, the compiled forward sees the new values.
    d2.set_weights([w * 2 for w in d2.get_weights()])
    np.testing.assert_allclose(model(xs), d2(d1(xs)), atol=1e-6)


def test_config_round_trip():
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.Dense(4, name="h")(a)
    out = layers.Dense(1, name="out")(layers.Concatenate(name="cat")([h, b]))
    model = keras.Model([a, b], out, name="m")
    clone = keras.Model.from_config(model.get_config())
    assert isinstance(clone, keras.Functional)
    # Keras's order: by depth from the output, so "b" (depth 2) comes after "h".
    assert clone.name == "m" and [l.name for l in clone.layers] == ["a", "h", "b", "cat", "out"]
    clone.set_weights(model.get_weights())
    xa, xb = _rand(2, 3), _rand(2, 2)
    np.testing.assert_allclose(clone([xa, xb]), model([xa, xb]), atol=1e-6)


def test_training_fixed_at_build_is_overridden_by_the_models_flag():
    x = keras.Input((1000,))
    model = keras.Model(x, layers.Dropout(0.5, seed=0)(x, training=True))
    data = np.ones((1, 1000), "float32")
    assert 0.4 < (np.asarray(model(data)) == 0).mean() < 0.6  # Monte-Carlo dropout
    assert (np.asarray(model(data, training=False)) == 0).mean() == 0.0  # as Keras 3


def test_dict_outputs_keep_their_order():
    x = keras.Input((2,))
    model = keras.Model(x, {"zeta": layers.Dense(1)(x), "alpha": layers.Dense(2)(x)})
    out = model(np.ones((1, 2)))
    assert list(out) == ["zeta", "alpha"]
    assert list(model(np.ones((1, 2)))) == ["zeta", "alpha"]  # compiled path too


def test_variable_captured_by_a_symbolic_op_is_read_at_each_call():
    scale = keras.Variable(np.array([1.0, 1.0], "float32"), name="scale")
    x = keras.Input((2,))
    model = keras.Model(x, x * scale)
    np.testing.assert_array_equal(model(np.ones((1, 2))), [[1.0, 1.0]])
    np.testing.assert_array_equal(model(np.ones((1, 2))), [[1.0, 1.0]])  # compiled path
    scale.assign([5.0, 5.0])
    np.testing.assert_array_equal(model(np.ones((1, 2))), [[5.0, 5.0]])
    assert model.weights == [] and scale in model.non_trainable_variables


def test_ops_on_symbolic_tensors_are_not_in_model_layers():
    """Keras lists Layer objects only; the ops (`x * 2`, `ops.sum`) run and show in summary()."""
    def make(k):
        i = k.Input((6,), name="inp")
        h = k.ops.concatenate([(i * 2 + 1)[:, :3], k.ops.ones_like(i[:, :1])], axis=-1)
        h = k.layers.Dense(2, kernel_initializer="ones", name="d")(h)
        return k.Model(i, k.ops.sum(h, axis=-1, keepdims=True))

    model, ref = make(keras), make(real_keras)
    assert [l.name for l in model.layers] == [l.name for l in ref.layers] == ["inp", "d"]
    assert model.get_layer(index=-1).name == "d"
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("add")
    x = np.arange(12, dtype="float32").reshape(2, 6)
    expected = 2 * ((2 * x[:, :3] + 1).sum(1, keepdims=True) + 1)
    np.testing.assert_allclose(model(x), expected)
    np.testing.assert_allclose(model(x), ref(x))
    lines = []
    model.summary(print_fn=lines.append)
    assert sum(line.startswith(("multiply", "add", "concatenate", "sum")) for line in lines) == 4
    assert any(line.startswith("sum (Sum)") for line in lines)  # Keras's op class name
    clone = keras.Model.from_config(model.get_config())
    np.testing.assert_allclose(clone(x), expected)


@pytest.mark.parametrize("model_shape,data_shape", [((6, 1), (4, 6)), ((6,), (4, 6, 1))])
def test_a_missing_or_extra_trailing_unit_axis_is_matched_as_keras(model_shape, data_shape):
    x = np.random.default_rng(0).normal(size=data_shape).astype("float32")
    outputs = {}
    for ns in (keras, real_keras):
        inputs = ns.Input(model_shape)
        model = ns.Model(inputs, ns.layers.Flatten()(inputs))
        outputs[ns is keras] = np.asarray(model.predict(x, verbose=0))
        assert np.asarray(model(x)).shape == (4, 6)
    np.testing.assert_array_equal(outputs[True], outputs[False])
    np.testing.assert_array_equal(outputs[True], x.reshape(4, 6))


def test_a_rank_off_by_more_than_a_unit_axis_is_still_refused():
    inputs = keras.Input((6, 2))
    model = keras.Model(inputs, keras.layers.Flatten()(inputs))
    with pytest.raises(ValueError, match=r"expected shape=\(None, 6, 2\), but received input "
                                         r"with shape=\(4, 6\)"):
        model(np.zeros((4, 6), "float32"))
