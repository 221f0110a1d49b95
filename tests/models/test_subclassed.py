"""Subclassed models: building by tracing, the compiled `model(x)` fast path and its eager
fallback, training flag, nesting with functional models, stateless_call, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(5)


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


class CustomerTicketModel(keras.Model):
    def __init__(self, num_departments):
        super().__init__()
        self.concat_layer = layers.Concatenate()
        self.mixing_layer = layers.Dense(64, activation="relu")
        self.priority_scorer = layers.Dense(1, activation="sigmoid")
        self.department_classifier = layers.Dense(num_departments, activation="softmax")

    def call(self, inputs):
        features = self.concat_layer([inputs["title"], inputs["text_body"], inputs["tags"]])
        features = self.mixing_layer(features)
        return self.priority_scorer(features), self.department_classifier(features)


TICKET_SHAPES = {"title": (None, 10000), "text_body": (None, 10000), "tags": (None, 100)}


class TwoDense(keras.Model):
    def __init__(self, log=None):
        super().__init__()
        self.d1 = layers.Dense(4, activation="relu")
        self.d2 = layers.Dense(2)
        self.log = log if log is not None else []

    def call(self, x):
        self.log.append(x.shape)  # runs whenever Python runs call(): eagerly or while tracing
        return self.d2(self.d1(x))


def test_model_is_a_layer():
    assert issubclass(keras.Model, keras.layers.Layer)
    assert isinstance(TwoDense(), keras.layers.Layer)


def test_weights_before_build_is_a_clear_error():
    model = CustomerTicketModel(num_departments=4)
    assert not model.built
    with pytest.raises(ValueError) as err:
        model.weights
    assert "Weights for model 'customer_ticket_model' have not yet been created" in str(err.value)
    assert "build()" in str(err.value)


def test_build_traces_the_graph():
    model = CustomerTicketModel(num_departments=4)
    model.build(TICKET_SHAPES)
    assert model.built
    assert [l.name for l in model.layers] == ["concatenate", "dense", "dense_1", "dense_2"]
    assert [w.shape for w in model.weights] == [(20100, 64), (64,), (64, 1), (1,), (64, 4), (4,)]
    assert model.count_params() == 1286789
    assert model.mixing_layer.output.shape == (None, 64)
    assert model.concat_layer.output.shape == (None, 20100)
    assert model.weights[0].path == "customer_ticket_model/dense/kernel"
    data = {k: _rand(2, s[1]) for k, s in TICKET_SHAPES.items()}
    priority, department = model(data)
    assert priority.shape == (2, 1) and department.shape == (2, 4)
    np.testing.assert_allclose(np.asarray(department).sum(axis=1), [1.0, 1.0], rtol=1e-5)


def test_summary_of_the_traced_model():
    model = CustomerTicketModel(num_departments=4)
    model.build(TICKET_SHAPES)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "customer_ticket_model"'
    for name, shape, params in [("concatenate (Concatenate)", "(None, 20100)", "0"),
                                ("dense (Dense)", "(None, 64)", "1286464"),
                                ("dense_1 (Dense)", "(None, 1)", "65"),
                                ("dense_2 (Dense)", "(None, 4)", "260")]:
        row = next(line for line in lines if line.startswith(name))
        assert shape in row and params in row.replace(",", "").split(), row
    assert "Total params: 1,286,789" in text
    assert "Trainable params: 1,286,789" in text and "Non-trainable params: 0" in text


def test_first_call_builds_and_later_calls_are_compiled():
    log = []
    model = TwoDense(log)
    x = _rand(3, 5)
    first = model(x)  # eager: builds
    assert model.built and len(log) == 1
    second = model(x)  # traced once for jit
    third = model(x)  # cached: Python call() does not run
    assert len(log) == 2
    np.testing.assert_allclose(first, second, atol=1e-6)
    np.testing.assert_allclose(second, third)
    model(_rand(4, 5))  # new shape: traced again
    assert len(log) == 3


def test_compiled_call_equals_the_eager_per_layer_path():
    model = TwoDense()
    x = _rand(6, 5)
    model(x)
    eager = model.d2(model.d1(x))
    np.testing.assert_allclose(model(x), eager, atol=1e-6)
    model.d1.kernel.assign(model.d1.kernel.numpy() * -1)  # new weights are seen
    np.testing.assert_allclose(model(x), model.d2(model.d1(x)), atol=1e-6)


def test_host_side_numpy_in_call_falls_back_to_eager():
    class HostScale(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, kernel_initializer="ones")
            self.calls = 0

        def call(self, x):
            self.calls += 1
            scale = float(np.asarray(x).max())  # needs a concrete value
            return self.dense(x) * scale

    model = HostScale()
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(model(x), np.full((2, 2), 3.0))
    np.testing.assert_allclose(model(x * 2), np.full((2, 2), 12.0))
    np.testing.assert_allclose(model(x * 3), np.full((2, 2), 27.0))
    calls = model.calls
    model(x)
    assert model.calls == calls + 1  # eager from now on: call() runs every time


def test_python_branch_on_training_flag():
    class Noisy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, kernel_initializer="ones")

        def call(self, x, training=False):
            y = self.dense(x)
            return y + 100.0 if training else y

    model = Noisy()
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(model(x), [[2.0, 2.0]])
    np.testing.assert_allclose(model(x, training=True), [[102.0, 102.0]])
    np.testing.assert_allclose(model(x, training=False), [[2.0, 2.0]])
    np.testing.assert_allclose(model(x), [[2.0, 2.0]])


def test_own_build_and_lazily_built_sublayers():
    class Scaled(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(3, kernel_initializer="ones")

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(3,), initializer="ones", name="scale")

        def call(self, x):
            return self.d(x) * self.scale

    model = Scaled()
    model.build((None, 2))
    assert model.built and [w.path for w in model.weights] == ["scaled/scale"]
    np.testing.assert_allclose(model(np.ones((1, 2))), [[2.0, 2.0, 2.0]])
    assert [w.path for w in model.weights] == ["scaled/scale", "scaled/dense/kernel",
                                               "scaled/dense/bias"]


def test_functional_model_inside_subclassed_model():
    inputs = keras.Input(shape=(64,))
    outputs = layers.Dense(1, activation="sigmoid")(inputs)
    binary_classifier = keras.Model(inputs=inputs, outputs=outputs)

    class MyModel(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(64, activation="relu")
            self.classifier = binary_classifier

        def call(self, inputs):
            return self.classifier(self.dense(inputs))

    model = MyModel()
    x = _rand(5, 3)
    out = model(x)
    assert out.shape == (5, 1)
    np.testing.assert_allclose(out, binary_classifier(model.dense(x)), atol=1e-6)
    assert model.count_params() == 3 * 64 + 64 + 65
    assert [l.name for l in model.layers] == ["dense_1", "functional"]


def test_subclassed_model_inside_functional_model():
    class Classifier(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            units, act = (1, "sigmoid") if num_classes == 2 else (num_classes, "softmax")
            self.dense = layers.Dense(units, activation=act)

        def call(self, inputs):
            return self.dense(inputs)

    inputs = keras.Input(shape=(3,))
    features = layers.Dense(64, activation="relu")(inputs)
    classifier = Classifier(num_classes=10)
    model = keras.Model(inputs=inputs, outputs=classifier(features))
    assert model.output_shape == (None, 10) and model.count_params() == 906
    assert [w.path for w in model.weights][2:] == ["classifier/dense_1/kernel",
                                                   "classifier/dense_1/bias"]
    x = _rand(4, 3)
    np.testing.assert_allclose(model(x), classifier(model.layers[1](x)), atol=1e-6)


def test_stateless_call_returns_new_state_and_leaves_variables():
    class WithDropout(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(8)
            self.drop = layers.Dropout(0.5, seed=1)

        def call(self, x, training=False):
            return self.drop(self.dense(x), training=training)

    model = WithDropout()
    x = jnp.ones((4, 3))
    model(x)
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]
    before = [v.numpy().copy() for v in model.variables]
    zero_kernel = [jnp.zeros_like(tv[0]), tv[1]]
    out, new_ntv = jax.jit(lambda t, n, x: model.stateless_call(t, n, x, training=True))(
        zero_kernel, ntv, x)
    np.testing.assert_allclose(np.asarray(out)[np.asarray(out) != 0],
                               np.broadcast_to(2 * tv[1], out.shape)[np.asarray(out) != 0], rtol=1e-6)
    assert not np.array_equal(new_ntv[0], ntv[0])  # the dropout seed advanced
    for v, old in zip(model.variables, before):
        np.testing.assert_array_equal(v.numpy(), old)


def test_wrong_input_shape_names_the_layer():
    model = TwoDense()
    model(np.ones((2, 5), "float32"))
    with pytest.raises(ValueError) as err:
        model(np.ones((2, 7), "float32"))
    msg = str(err.value)
    assert "'dense'" in msg and "size 5" in msg and "(2, 7)" in msg


def test_init_errors():
    class Bad(keras.Model):
        def __init__(self):
            super().__init__(units=3)

    with pytest.raises(TypeError, match=r"unexpected argument\(s\) \['units'\]"):
        Bad()
    with pytest.raises(ValueError, match="needs an `input_shape`"):
        TwoDense().build()
