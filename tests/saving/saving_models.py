"""Models and data shared by the saving tests: the note's models (examples/note_models.py)
plus a nested model and subclassed models that implement get_config."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))

import note_models as note  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers  # noqa: E402

VOCAB, TAGS, DEPTS = 40, 8, 4


def ticket_data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.integers(0, 2, (n, VOCAB)).astype("float32"),
         rng.integers(0, 2, (n, VOCAB)).astype("float32"),
         rng.integers(0, 2, (n, TAGS)).astype("float32")]
    y = [rng.random((n, 1)).astype("float32"),
         np.eye(DEPTS, dtype="float32")[rng.integers(0, DEPTS, n)]]
    return x, y


def as_dict(x):
    return {"title": x[0], "text_body": x[1], "tags": x[2]}


def ticket_model():
    return note.ticket_model(VOCAB, TAGS, DEPTS)


def compiled_ticket_model():
    model = ticket_model()
    model.compile(optimizer="adam", loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]])
    return model


def sequential_model():
    model = keras.Sequential([keras.Input((VOCAB,)), layers.Dense(16, activation="relu"),
                              layers.Dropout(0.1), layers.Dense(3, activation="softmax")])
    return model


def nested_model():
    """A functional model holding a Sequential, a functional block and a subclassed layer."""
    inner_seq = keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="tanh")],
                                 name="inner_seq")
    block_in = keras.Input((5,))
    block = keras.Model(block_in, layers.Dense(4)(block_in), name="block")
    inputs = keras.Input((3,))
    x = layers.Dense(6, activation="relu")(inputs)
    x = inner_seq(x)
    x = block(x)
    outputs = Scale(factor=2.0)(x)
    return keras.Model(inputs, outputs, name="outer")


@keras.saving.register_keras_serializable(package="saving_tests")
class Scale(keras.layers.Layer):
    """A layer with its own weight and a get_config."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, x):
        return x * self.gain.value * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="saving_tests")
class TwoTower(keras.Model):
    """A subclassed model with get_config, a list of sublayers and its own weight."""

    def __init__(self, units=8, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.units, self.depth = units, depth
        self.towers = [layers.Dense(units, activation="relu") for _ in range(depth)]
        self.head = layers.Dense(1)

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(1,), initializer="zeros", name="offset")
        for tower in self.towers:
            tower.build(input_shape)
        self.head.build((None, self.units))

    def call(self, x):
        total = sum(tower(x) for tower in self.towers)
        return self.head(total) + self.offset.value

    def get_config(self):
        return {**super().get_config(), "units": self.units, "depth": self.depth}
