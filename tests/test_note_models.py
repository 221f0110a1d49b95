"""The lecture note's code blocks (seed/keras_model_api.md) on Sequential models, the
functional API (with layer introspection and reuse) and subclassing/mixing, run as
written under `import lamina as keras`, with the values the note prints.

Blocks are copied verbatim; `>>>` lines become statements with an assert on what the
note shows. The note's fit() block lacks a comma after its targets; that is added.
"""

import re
import shutil

import numpy as np
import pytest

import lamina as keras
from lamina import layers


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def _cells(lines, name):
    """The whitespace-split cells of the summary row that starts with `name`."""
    return next(line for line in lines if line.startswith(name)).split()


class SimpleDense(keras.layers.Layer):
    """The note's layer-level build() block, inside a minimal layer."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]   # 입력 샘플의 특성 수
        self.W = self.add_weight(shape=(input_dim, self.units),
                                 initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,),
                                 initializer="zeros")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.W) + self.b


def test_sequential_section():
    model = keras.Sequential([
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax")
    ])
    assert model.name == "sequential" and len(model.layers) == 2

    model = keras.Sequential()
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))

    with pytest.raises(ValueError) as err:
        model.weights
    assert re.search(r"Weights for model '?sequential_1'? have not yet been created", str(err.value))
    assert "build()" in str(err.value) and "input_shape" in str(err.value)

    model.build(input_shape=(None, 3))
    assert len(model.weights) == 4
    assert model.weights[0].shape == (3, 64)  # 가중치 행렬
    assert model.weights[1].shape == (64,)    # 편향 벡터
    assert model.weights[2].shape == (64, 10)
    assert model.weights[3].shape == (10,)

    lines = _summary(model)
    assert lines[0] == 'Model: "sequential_1"'
    assert _cells(lines, "dense_2 (Dense)")[2:] == ["(None,", "64)", "256"]
    assert _cells(lines, "dense_3 (Dense)")[2:] == ["(None,", "10)", "650"]
    assert "Total params: 906" in lines
    assert "Trainable params: 906" in lines and "Non-trainable params: 0" in lines


def test_layer_build_block():
    layer = SimpleDense(64)
    out = layer(np.ones((2, 3), "float32"))
    assert out.shape == (2, 64)
    assert layer.W.shape == (3, 64) and layer.b.shape == (64,)
    assert layer.count_params() == 3 * 64 + 64 == 256


def test_input_section():
    keras.Sequential(), keras.Sequential()  # the note's earlier models took these names
    for _ in range(4):
        layers.Dense(1)

    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(layers.Dense(64, activation="relu"))

    lines = _summary(model)
    assert lines[0] == 'Model: "sequential_2"'
    assert _cells(lines, "dense_4 (Dense)")[2:] == ["(None,", "64)", "256"]
    assert "Total params: 256" in lines

    model.add(layers.Dense(10, activation="softmax"))
    lines = _summary(model)
    assert _cells(lines, "dense_4 (Dense)")[2:] == ["(None,", "64)", "256"]
    assert _cells(lines, "dense_5 (Dense)")[2:] == ["(None,", "10)", "650"]
    assert "Total params: 906" in lines and "Trainable params: 906" in lines


def test_functional_section():
    inputs = keras.Input(shape=(3,), name="my_input")          # 입력층
    features = layers.Dense(64, activation="relu")(inputs)     # 은닉층
    outputs = layers.Dense(10, activation="softmax")(features) # 출력층
    model = keras.Model(inputs=inputs, outputs=outputs)        # 모델 지정

    lines = _summary(model)
    assert lines[0].startswith('Model: "functional')
    assert _cells(lines, "my_input (InputLayer)")[2:] == ["(None,", "3)", "0"]
    assert _cells(lines, "dense (Dense)")[2:] == ["(None,", "64)", "256"]
    assert _cells(lines, "dense_1 (Dense)")[2:] == ["(None,", "10)", "650"]
    assert "Total params: 906" in lines and "Non-trainable params: 0" in lines


def _ticket_model():
    vocabulary_size = 10000    # 사용빈도 1만등 인내 단어 사용
    num_tags = 100             # 태그 수
    num_departments = 4        # 부서 수

    # 입력층: 세 개
    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")

    # 은닉층
    features = layers.Concatenate()([title, text_body, tags]) # shape=(None, 10000+10000+100)
    features = layers.Dense(64, activation="relu")(features)

    # 출력층: 두 개
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(
        num_departments, activation="softmax", name="department")(features)

    # 모델 빌드: 입력값으로 구성된 입력값 리스트와 출력값으로 구성된 출력값 리스트 사용
    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])
    return model, (title, text_body, tags, priority, department)


def _ticket_data(num_samples=32):
    rng = np.random.default_rng(0)
    title_data = rng.integers(0, 2, size=(num_samples, 10000)).astype("float32")
    text_body_data = rng.integers(0, 2, size=(num_samples, 10000)).astype("float32")
    tags_data = rng.integers(0, 2, size=(num_samples, 100)).astype("float32")
    priority_data = rng.random(size=(num_samples, 1)).astype("float32")
    department_data = np.eye(4, dtype="float32")[rng.integers(0, 4, size=num_samples)]
    return title_data, text_body_data, tags_data, priority_data, department_data


def test_multi_input_multi_output_model_introspection_and_reuse():
    model, (title, text_body, tags, priority, department) = _ticket_model()
    assert model.count_params() == 20100 * 64 + 64 + 65 + 260

    # 신경망 모델 재활용
    assert len(model.layers) == 7
    assert [type(l).__name__ for l in model.layers] == [
        "InputLayer", "InputLayer", "InputLayer", "Concatenate", "Dense", "Dense", "Dense"]

    # 층별 입력값/출력값 정보
    assert [repr(t) for t in model.layers[3].input] == [
        "<KerasTensor: shape=(None, 10000) dtype=float32 (created by layer 'title')>",
        "<KerasTensor: shape=(None, 10000) dtype=float32 (created by layer 'text_body')>",
        "<KerasTensor: shape=(None, 100) dtype=float32 (created by layer 'tags')>"]
    assert repr(model.layers[3].output) == \
        "<KerasTensor: shape=(None, 20100) dtype=float32 (created by layer 'concatenate')>"
    assert model.layers[3].output.shape == (None, 20100)

    # 출력층을 제외한 층 재활용
    features = model.layers[4].output
    difficulty = layers.Dense(3, activation="softmax", name="difficulty")(features)

    new_model = keras.Model(
        inputs=[title, text_body, tags],
        outputs=[priority, department, difficulty])
    assert len(new_model.layers) == 8 and new_model.output_shape == [(None, 1), (None, 4), (None, 3)]
    assert new_model.count_params() == model.count_params() + 64 * 3 + 3
    # The reused layers are the same objects: same weights, same outputs.
    title_data, text_body_data, tags_data, _, _ = _ticket_data(4)
    old = model([title_data, text_body_data, tags_data])
    new = new_model([title_data, text_body_data, tags_data])
    np.testing.assert_allclose(new[0], old[0], atol=1e-6)
    np.testing.assert_allclose(new[1], old[1], atol=1e-6)


def test_compile_fit_evaluate_predict_blocks():
    model, _ = _ticket_model()
    title_data, text_body_data, tags_data, priority_data, department_data = _ticket_data()

    model.compile(optimizer="adam",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error", "mean_squared_error"], ["accuracy", "AUC", "Precision"]])

    before = model.get_weights()
    history = model.fit([title_data, text_body_data, tags_data],
                        [priority_data, department_data],
                        epochs=10, verbose=0)
    assert len(history.history["loss"]) == 10 and all(np.isfinite(history.history["loss"]))
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))

    results = model.evaluate([title_data, text_body_data, tags_data],
                             [priority_data, department_data], verbose=0)
    assert len(results) == 8 and all(np.isfinite(results))

    priority_preds, department_preds = model.predict([title_data, text_body_data, tags_data],
                                                     verbose=0)
    assert priority_preds.shape == (32, 1) and priority_preds.dtype == np.float32
    assert np.all((priority_preds >= 0) & (priority_preds <= 1))
    assert department_preds.shape == (32, 4)
    np.testing.assert_allclose(department_preds.sum(axis=1), np.ones(32), rtol=1e-5)
    assert 0 <= department_preds.argmax() < 32 * 4
    assert department_preds.argmax(axis=1).shape == (32,)

    # 사전 객체 활용
    model.compile(optimizer="adam",
                  loss={"priority": "mean_squared_error", "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error", "mean_squared_error"], "department": ["accuracy", "AUC", "Precision"]})

    model.fit({"title": title_data, "text_body": text_body_data, "tags": tags_data},
              {"priority": priority_data, "department": department_data},
              epochs=1, verbose=0)

    model.evaluate({"title": title_data, "text_body": text_body_data, "tags": tags_data},
                   {"priority": priority_data, "department": department_data}, verbose=0)

    priority_preds, department_preds = model.predict(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data}, verbose=0)
    assert priority_preds.shape == (32, 1) and department_preds.shape == (32, 4)


@pytest.mark.skipif(shutil.which("dot") is None, reason="plot_model needs graphviz's dot")
def test_plot_model_blocks(tmp_path):
    model, (title, text_body, tags, priority, department) = _ticket_model()
    keras.utils.plot_model(model, str(tmp_path / "ticket_classifier.png"))
    keras.utils.plot_model(model, str(tmp_path / "ticket_classifier_with_shape_info.png"), show_shapes=True)
    features = model.layers[4].output
    difficulty = layers.Dense(3, activation="softmax", name="difficulty")(features)
    new_model = keras.Model(
        inputs=[title, text_body, tags],
        outputs=[priority, department, difficulty])
    keras.utils.plot_model(new_model, str(tmp_path / "updated_ticket_classifier.png"), show_shapes=True)
    for name in ("ticket_classifier", "ticket_classifier_with_shape_info", "updated_ticket_classifier"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class CustomerTicketModel(keras.Model):

    def __init__(self, num_departments): # num_departments: 고객 요구사항 처리 부서 개수
        super().__init__()
        self.concat_layer = layers.Concatenate()                      # 은닉층
        self.mixing_layer = layers.Dense(64, activation="relu")       # 은닉층
        self.priority_scorer = layers.Dense(1, activation="sigmoid")  # 출력층 1
        self.department_classifier = layers.Dense(                    # 출력층 2
            num_departments, activation="softmax")

    def call(self, inputs):               # inputs: 사전 객체 입력값. 모양은 미정.
        title = inputs["title"]
        text_body = inputs["text_body"]
        tags = inputs["tags"]

        features = self.concat_layer([title, text_body, tags])    # 은닉층 연결
        features = self.mixing_layer(features)
        priority = self.priority_scorer(features)                 # 출력층 연결
        department = self.department_classifier(features)
        return priority, department                               # 두 종류의 출력값 지정


def test_subclassing_section():
    model = CustomerTicketModel(num_departments=4)
    assert issubclass(keras.Model, keras.layers.Layer)
    title_data, text_body_data, tags_data, _, _ = _ticket_data(5)
    priority, department = model({"title": title_data, "text_body": text_body_data, "tags": tags_data})
    assert priority.shape == (5, 1) and department.shape == (5, 4)
    assert model.count_params() == 1286789
    lines = _summary(model)
    assert [line.split()[0] for line in lines if "(Dense)" in line or "(Concatenate)" in line] == [
        "concatenate", "dense", "dense_1", "dense_2"]
    assert _cells(lines, "concatenate (Concatenate)")[2:4] == ["(None,", "20100)"]
    assert "Total params: 1,286,789" in lines
    assert all(hasattr(model, m) for m in ("fit", "evaluate", "predict"))


class Classifier(keras.Model):

    def __init__(self, num_classes=2):
        super().__init__()
        if num_classes == 2:
            num_units = 1
            activation = "sigmoid"
        else:
            num_units = num_classes
            activation = "softmax"
        self.dense = layers.Dense(num_units, activation=activation)

    def call(self, inputs):
        return self.dense(inputs)


def test_subclassed_model_in_functional_model():
    inputs = keras.Input(shape=(3,))                       # 입력층
    features = layers.Dense(64, activation="relu")(inputs) # 은닉층
    outputs = Classifier(num_classes=10)(features)         # 출력층

    model = keras.Model(inputs=inputs, outputs=outputs)
    assert outputs.shape == (None, 10)
    assert model.count_params() == 906
    out = np.asarray(model(np.ones((2, 3), "float32")))
    assert out.shape == (2, 10)
    np.testing.assert_allclose(out.sum(axis=1), [1.0, 1.0], rtol=1e-5)
    assert Classifier()(keras.Input(shape=(3,))).shape == (None, 1)


def test_functional_model_in_subclassed_model():
    inputs = keras.Input(shape=(64,))
    outputs = layers.Dense(1, activation="sigmoid")(inputs)
    binary_classifier = keras.Model(inputs=inputs, outputs=outputs)

    class MyModel(keras.Model):

        def __init__(self, num_classes=2):
            super().__init__()
            self.dense = layers.Dense(64, activation="relu")
            self.classifier = binary_classifier

        def call(self, inputs):
            features = self.dense(inputs)
            return self.classifier(features)

    model = MyModel()
    out = np.asarray(model(np.ones((4, 3), "float32")))
    assert out.shape == (4, 1) and np.all((out > 0) & (out < 1))
    assert model.count_params() == 3 * 64 + 64 + 64 + 1
    assert len(model.weights) == 4
