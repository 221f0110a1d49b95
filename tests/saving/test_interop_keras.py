"""Files move both ways between lamina and Keras 3 (JAX backend): a .keras file written by
one loads in the other and predicts the same (within 1e-5); optimizer state carries over."""

import numpy as np
import pytest
from .saving_models import DEPTS, TAGS, VOCAB, nested_model, ticket_data

import lamina

keras = pytest.importorskip("keras")
from keras import layers as klayers  # noqa: E402


# Keras twins of saving_models' classes: same class and registered names, so the files
# match (Keras names a layer's weights group after its class).
@keras.saving.register_keras_serializable(package="saving_tests", name="Scale")
class Scale(keras.layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gain")

    def call(self, x):
        return x * self.gain * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="saving_tests", name="TwoTower")
class TwoTower(keras.Model):
    def __init__(self, units=8, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.units, self.depth = units, depth
        self.towers = [klayers.Dense(units, activation="relu") for _ in range(depth)]
        self.head = klayers.Dense(1)

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(1,), initializer="zeros", name="offset")
        for tower in self.towers:
            tower.build(input_shape)
        self.head.build((None, self.units))

    def call(self, x):
        total = sum(tower(x) for tower in self.towers)
        return self.head(total) + self.offset

    def get_config(self):
        return {**super().get_config(), "units": self.units, "depth": self.depth}


def k_ticket():
    title = keras.Input((VOCAB,), name="title")
    body = keras.Input((VOCAB,), name="text_body")
    tags = keras.Input((TAGS,), name="tags")
    f = klayers.Dense(64, activation="relu")(klayers.Concatenate()([title, body, tags]))
    priority = klayers.Dense(1, activation="sigmoid", name="priority")(f)
    department = klayers.Dense(DEPTS, activation="softmax", name="department")(f)
    model = keras.Model([title, body, tags], [priority, department])
    difficulty = klayers.Dense(3, activation="softmax", name="difficulty")(model.layers[4].output)
    return model, keras.Model([title, body, tags], [priority, department, difficulty])


def k_sequential():
    return keras.Sequential([keras.Input((VOCAB,)), klayers.Dense(16, activation="relu"),
                             klayers.Dropout(0.1), klayers.Dense(3, activation="softmax")])


def k_nested():
    inner_seq = keras.Sequential([keras.Input((6,)), klayers.Dense(5, activation="tanh")],
                                 name="inner_seq")
    block_in = keras.Input((5,))
    block = keras.Model(block_in, klayers.Dense(4)(block_in), name="block")
    inputs = keras.Input((3,))
    x = block(inner_seq(klayers.Dense(6, activation="relu")(inputs)))
    return keras.Model(inputs, Scale(factor=2.0)(x), name="outer")


def _data(kind):
    rng = np.random.default_rng(7)
    if kind in ("ticket", "reused"):
        x, y = ticket_data(16)
        y3 = y + [np.eye(3, dtype="float32")[np.arange(16) % 3]]
        return x, (y if kind == "ticket" else y3)
    if kind == "sequential":
        x = rng.random((16, VOCAB)).astype("float32")
        return x, np.eye(3, dtype="float32")[np.arange(16) % 3]
    if kind == "nested":
        return rng.standard_normal((16, 3)).astype("float32"), np.zeros((16, 4), "float32")
    x = rng.standard_normal((16, 5)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _keras_model(kind):
    if kind == "ticket":
        return k_ticket()[0]
    if kind == "reused":
        return k_ticket()[1]
    if kind == "sequential":
        return k_sequential()
    if kind == "nested":
        return k_nested()
    model = TwoTower(units=4, depth=3)
    model.build((None, 5))
    return model


def _lamina_model(kind):
    from .saving_models import TwoTower as LaminaTwoTower
    from .saving_models import note, sequential_model, ticket_model

    if kind == "ticket":
        return ticket_model()
    if kind == "reused":
        return note.extended_ticket_model(ticket_model())
    if kind == "sequential":
        return sequential_model()
    if kind == "nested":
        return nested_model()
    model = LaminaTwoTower(units=4, depth=3)
    model.build((None, 5))
    return model


def _loss(kind):
    return {"ticket": ["mse", "categorical_crossentropy"],
            "reused": ["mse", "categorical_crossentropy", "categorical_crossentropy"],
            "sequential": "categorical_crossentropy"}.get(kind, "mse")


def _close(a, b):
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=1e-5, rtol=1e-5)


KINDS = ["sequential", "ticket", "reused", "nested", "subclassed"]


def _variables(optimizer):
    if isinstance(optimizer, lamina.optimizers.Optimizer):
        return [v.numpy() for v in optimizer.keras_variable_layout()]
    return [np.asarray(v) for v in optimizer.variables]


def _train_save_load(kind, model, load, path):
    """Train `model` a little, save it, load it with `load`, compare predictions and
    optimizer state; returns the loaded model."""
    x, y = _data(kind)
    model.compile(optimizer="adam", loss=_loss(kind))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(path)
    loaded = load(path)
    _close(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    if kind != "subclassed":  # a subclassed model's sublayers get fresh automatic names
        assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    _close(_variables(model.optimizer), _variables(loaded.optimizer))
    return loaded, x, y


@pytest.mark.parametrize("kind", KINDS)
def test_keras_file_loads_in_lamina(kind, tmp_path):
    loaded, x, y = _train_save_load(kind, _keras_model(kind), lamina.models.load_model,
                                    tmp_path / "k.keras")
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)  # and it trains on


@pytest.mark.parametrize("kind", KINDS)
def test_lamina_file_loads_in_keras(kind, tmp_path):
    _train_save_load(kind, _lamina_model(kind), keras.models.load_model, tmp_path / "l.keras")


def test_weights_files_both_ways(tmp_path):
    x, _ = _data("ticket")
    kmodel, lmodel = k_ticket()[0], _lamina_model("ticket")
    kmodel.save_weights(tmp_path / "k.weights.h5")
    lmodel.load_weights(tmp_path / "k.weights.h5")
    _close(kmodel.predict(x, verbose=0), lmodel.predict(x, verbose=0))
    lmodel2 = _lamina_model("ticket")
    lmodel2.save_weights(tmp_path / "l.weights.h5")
    kmodel.load_weights(tmp_path / "l.weights.h5")
    _close(lmodel2.predict(x, verbose=0), kmodel.predict(x, verbose=0))


def test_same_h5_layout_as_keras(tmp_path):
    """The weights file lamina writes has exactly the groups and datasets Keras writes."""
    import h5py

    def listing(path):
        with h5py.File(path, "r") as f:
            items = []
            f.visititems(lambda name, obj: items.append(
                (name, getattr(obj, "shape", None))) if "_lamina" not in name else None)
            return sorted(items)

    x, y = _data("subclassed")
    for build_k, build_l in ((lambda: _keras_model("subclassed"), lambda: _lamina_model("subclassed")),
                             (lambda: _keras_model("nested"), lambda: _lamina_model("nested"))):
        kmodel, lmodel = build_k(), build_l()
        for m in (kmodel, lmodel):
            m.compile("adam", "mse")
        kmodel.save_weights(tmp_path / "k.weights.h5")
        lmodel.save_weights(tmp_path / "l.weights.h5")
        assert listing(tmp_path / "k.weights.h5") == listing(tmp_path / "l.weights.h5")


def _shared_model(lib):
    """Dict inputs, a layer called twice, two outputs; `lib` is keras or lamina."""
    a, b = lib.Input((4,), name="a"), lib.Input((4,), name="b")
    shared = lib.layers.Dense(3, name="shared")
    out = lib.layers.Add()([shared(a), shared(b)])
    return lib.Model({"a": a, "b": b}, [lib.layers.Dense(2, name="head")(out), out])


def _cnn_model(lib):
    """Conv2D, BatchNormalization, pooling, Embedding, Dropout, LayerNormalization."""
    L = lib.layers
    img, tok = lib.Input((8, 8, 3), name="img"), lib.Input((5,), dtype="int32", name="tok")
    x = L.Flatten()(L.MaxPooling2D(2)(L.BatchNormalization()(
        L.Conv2D(4, 3, padding="same", activation="relu")(img))))
    e = L.GlobalAveragePooling1D()(L.Embedding(20, 4)(tok))
    h = L.LayerNormalization()(L.Dropout(0.2)(L.Concatenate()([x, e])))
    return lib.Model([img, tok], L.Dense(2)(h))


def _generic_data(builder):
    rng = np.random.default_rng(3)
    if builder is _shared_model:
        x = {"a": rng.random((5, 4)).astype("float32"), "b": rng.random((5, 4)).astype("float32")}
        return x, [np.zeros((5, 2), "float32"), np.zeros((5, 3), "float32")]
    x = [rng.random((5, 8, 8, 3)).astype("float32"), rng.integers(0, 20, (5, 5)).astype("int32")]
    return x, rng.random((5, 2)).astype("float32")


@pytest.mark.parametrize("builder", [_shared_model, _cnn_model], ids=["shared", "cnn"])
@pytest.mark.parametrize("writer,reader", [(lamina, keras), (keras, lamina)],
                         ids=["lamina-to-keras", "keras-to-lamina"])
def test_same_model_built_in_each_library(builder, writer, reader, tmp_path):
    x, y = _generic_data(builder)
    model = builder(writer)
    model.compile("adam", "mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = reader.models.load_model(tmp_path / "m.keras")
    _close(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_keras_ops_in_a_functional_graph_load_in_lamina(tmp_path):
    """Keras records `ops.sum(x, axis=1)` etc. as op entries; lamina replays them with
    lamina.ops (and writes them back as its own op layers)."""
    inputs = keras.Input((4,))
    h = klayers.Dense(3)(inputs)
    out = keras.ops.sum(h * 2.0, axis=1, keepdims=True) + h
    model = keras.Model(inputs, keras.ops.concatenate([out, keras.ops.relu(h)], axis=-1))
    model.save(tmp_path / "ops.keras")
    loaded = lamina.models.load_model(tmp_path / "ops.keras")
    x = np.random.default_rng(0).random((3, 4)).astype("float32")
    _close(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    loaded.save(tmp_path / "again.keras")
    _close(model.predict(x, verbose=0),
           lamina.models.load_model(tmp_path / "again.keras").predict(x, verbose=0))
