"""model.save / load_model and save_weights / load_weights round trips: predictions are
identical, and training continued after loading matches training continued in memory."""

import json
import zipfile

import numpy as np
import pytest
from .saving_models import (
    DEPTS,
    Scale,
    TwoTower,
    as_dict,
    compiled_ticket_model,
    nested_model,
    note,
    sequential_model,
    ticket_data,
    ticket_model,
)

import lamina as keras
from lamina import layers


def _same(a, b):
    for x, y in zip(a if isinstance(a, (list, tuple)) else [a], b if isinstance(b, (list, tuple)) else [b]):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def _resume_matches(model, path, x, y, custom_objects=None):
    """fit continued after load == fit continued without saving (optimizer state restored)."""
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects=custom_objects)
    _same(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _same(model.get_weights(), loaded.get_weights())
    _same([v.numpy() for v in model.optimizer.variables],
          [v.numpy() for v in loaded.optimizer.variables])
    return loaded


def test_sequential_round_trip_and_resume(tmp_path):
    x, _ = ticket_data()
    x = x[0]
    y = np.eye(3, dtype="float32")[np.arange(len(x)) % 3]
    model = sequential_model()
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded = _resume_matches(model, tmp_path / "seq.keras", x, y)
    assert type(loaded) is keras.Sequential
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert loaded.optimizer.get_config() == model.optimizer.get_config()


def test_ticket_functional_round_trip_and_resume(tmp_path):
    x, y = ticket_data()
    model = compiled_ticket_model()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded = _resume_matches(model, tmp_path / "ticket.keras", x, y)
    assert [l.name for l in loaded.layers] == ["title", "text_body", "tags", "concatenate",
                                               "dense", "priority", "department"]
    # Dict inputs by name still work after loading.
    _same(model.predict(as_dict(x), verbose=0), loaded.predict(as_dict(x), verbose=0))
    assert loaded.get_compile_config()["loss"] == ["mean_squared_error",
                                                   "categorical_crossentropy"]


def test_reused_model_with_three_outputs(tmp_path):
    x, y = ticket_data()
    base = ticket_model()
    model = note.extended_ticket_model(base)
    y3 = y + [np.eye(3, dtype="float32")[np.arange(len(x[0])) % 3]]
    model.compile("rmsprop", ["mse", "categorical_crossentropy", "categorical_crossentropy"])
    model.fit(x, y3, epochs=1, batch_size=8, verbose=0)
    loaded = _resume_matches(model, tmp_path / "reused.keras", x, y3)
    assert len(loaded.outputs) == 3
    assert loaded.output_names == ["priority", "department", "difficulty"]


def test_nested_models(tmp_path):
    model = nested_model()
    x = np.random.default_rng(1).standard_normal((10, 3)).astype("float32")
    y = np.zeros((10, 4), "float32")
    model.compile("adam", "mse")
    model.fit(x, y, epochs=1, verbose=0)
    loaded = _resume_matches(model, tmp_path / "nested.keras", x, y)
    kinds = [type(l).__name__ for l in loaded.layers]
    assert kinds == ["InputLayer", "Dense", "Sequential", "Functional", "Scale"]
    assert loaded.get_layer("block").name == "block"


def test_note_subclassed_ticket_model_without_get_config(tmp_path):
    """The note's CustomerTicketModel (dict inputs, constructor argument, no get_config)."""
    x, y = ticket_data()
    model = note.CustomerTicketModel(num_departments=DEPTS)
    model.compile("adam", ["mse", "categorical_crossentropy"])
    model.fit(as_dict(x), y, epochs=1, batch_size=8, verbose=0)
    loaded = _resume_matches(model, tmp_path / "sub.keras", as_dict(x), y,
                             custom_objects={"CustomerTicketModel": note.CustomerTicketModel})
    assert isinstance(loaded, note.CustomerTicketModel)
    assert loaded.department_classifier.units == DEPTS


def test_registered_subclassed_model_with_own_build(tmp_path):
    model = TwoTower(units=4, depth=3, name="two")
    x = np.random.default_rng(2).standard_normal((16, 5)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded = _resume_matches(model, tmp_path / "two.keras", x, y)  # registered: no custom_objects
    assert type(loaded) is TwoTower and loaded.depth == 3 and loaded.name == "two"


def test_note_mixed_models(tmp_path):
    x = np.random.default_rng(3).standard_normal((4, 3)).astype("float32")
    model = note.functional_with_subclassed()
    model.save(tmp_path / "a.keras")
    loaded = keras.models.load_model(tmp_path / "a.keras",
                                     custom_objects={"Classifier": note.Classifier})
    _same(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    model = note.subclassed_with_functional()
    x64 = np.random.default_rng(4).standard_normal((4, 64)).astype("float32")
    model(x64)
    model.save(tmp_path / "b.keras")
    loaded = keras.models.load_model(tmp_path / "b.keras",
                                     custom_objects={"MyModel": type(model)})
    _same(model.predict(x64, verbose=0), loaded.predict(x64, verbose=0))


def test_compile_false_and_uncompiled(tmp_path):
    model = compiled_ticket_model()
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    plain = ticket_model()
    plain.save(tmp_path / "p.keras")
    assert not keras.models.load_model(tmp_path / "p.keras").compiled


def test_save_weights_load_weights(tmp_path):
    x, y = ticket_data()
    model = compiled_ticket_model()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "t.weights.h5")
    other = compiled_ticket_model()
    other.load_weights(tmp_path / "t.weights.h5")
    _same(model.predict(x, verbose=0), other.predict(x, verbose=0))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    other.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    _same(model.get_weights(), other.get_weights())
    # Weights also load from a .keras archive.
    model.save(tmp_path / "t.keras")
    third = ticket_model()
    third.load_weights(tmp_path / "t.keras")
    _same(model.predict(x, verbose=0), third.predict(x, verbose=0))


def test_save_weights_needs_suffix_and_load_checks_architecture(tmp_path):
    model = ticket_model()
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "m.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    wrong = note.ticket_model(41, 8, 4)
    before = wrong.get_weights()
    with pytest.raises(ValueError, match=r"shape \(89, 64\).*\(88, 64\)|different architecture"):
        wrong.load_weights(tmp_path / "w.weights.h5")
    _same(before, wrong.get_weights())  # nothing was assigned
    with pytest.warns(UserWarning, match="Skipped"):
        wrong.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)


def test_lambda_round_trip_needs_unsafe_mode(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Lambda(lambda t: t * 3.0 + 1.0)(inputs))
    model.save(tmp_path / "lam.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "lam.keras")
    loaded = keras.models.load_model(tmp_path / "lam.keras", safe_mode=False)
    x = np.ones((2, 3), "float32")
    _same(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_archive_layout(tmp_path):
    model = compiled_ticket_model()
    x, y = ticket_data()
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        config = json.loads(zf.read("config.json"))
        metadata = json.loads(zf.read("metadata.json"))
    assert config["class_name"] == "Functional"
    assert config["module"] == "keras.src.models.functional"
    assert config["config"]["input_layers"] == [["title", 0, 0], ["text_body", 0, 0],
                                                ["tags", 0, 0]]
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert set(metadata) >= {"keras_version", "date_saved"}
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_custom_object_scope_and_registry():
    assert keras.saving.get_custom_objects()["saving_tests>Scale"] is Scale
    layer = Scale(factor=3.0, name="s")
    config = keras.saving.serialize_keras_object(layer)
    assert config["registered_name"] == "saving_tests>Scale"

    class Local(keras.layers.Layer):
        def call(self, x):
            return x

    config = keras.saving.serialize_keras_object(Local(name="loc"))
    with pytest.raises(ValueError, match="register_keras_serializable"):
        keras.saving.deserialize_keras_object(config)
    with keras.saving.custom_object_scope({"Local": Local}):
        assert keras.saving.deserialize_keras_object(config).name == "loc"
    assert keras.saving.deserialize_keras_object(config, custom_objects={"Local": Local}).name == "loc"


def test_compile_objects_schedule_and_custom_metric(tmp_path):
    """Loss objects, a learning-rate schedule and the note's custom metric are saved in the
    compile config; the custom metric needs custom_objects and is never confused with
    lamina's metric of the same name."""
    x = np.random.default_rng(5).random((32, 8)).astype("float32")
    y = np.arange(32) % 3
    model = keras.Sequential([keras.Input((8,)), layers.Dense(3, activation="softmax")])
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    model.compile(optimizer=keras.optimizers.RMSprop(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["accuracy", note.RootMeanSquaredError()])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "c.keras")
    with pytest.raises(ValueError, match="'RootMeanSquaredError' from module 'note_models'"):
        keras.models.load_model(tmp_path / "c.keras")
    custom = {"RootMeanSquaredError": note.RootMeanSquaredError}
    loaded = _resume_matches(model, tmp_path / "c.keras", x, y, custom_objects=custom)
    config = loaded.get_compile_config()
    assert type(config["metrics"][1]) is note.RootMeanSquaredError
    assert type(config["loss"]).__name__ == "SparseCategoricalCrossentropy"
    assert type(loaded.optimizer.get_config()["learning_rate"]) is dict
