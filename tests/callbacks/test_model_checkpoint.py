"""ModelCheckpoint: the best epoch is what gets kept, file names from the logs, exact weights
every N batches, early and clear errors, never a half-written file."""

import os
import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (x[:, 1] > 1).astype("int32")


def _model(lr=0.05):
    model = lamina.Sequential([lamina.Input((6,)), lamina.layers.Dense(16, activation="relu"),
                               lamina.layers.Dense(3, activation="softmax")])
    model.compile(lamina.optimizers.RMSprop(lr), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _noisy_val():
    vx, _ = _data(64, seed=1)
    return vx, np.random.default_rng(2).integers(0, 3, 64)  # val_loss goes down, then up


def test_save_best_only_keeps_the_best_epoch(tmp_path):
    lamina.utils.set_random_seed(1)
    x, y = _data()
    vx, vy = _noisy_val()
    path = tmp_path / "best.keras"
    saved = []
    spy = lcb.LambdaCallback(on_epoch_end=lambda e, logs: saved.append(os.path.getmtime(path)
                                                                        if path.exists() else 0))
    history = _model().fit(x, y, epochs=8, batch_size=16, validation_data=(vx, vy), verbose=0,
                           callbacks=[lcb.ModelCheckpoint(str(path), monitor="val_loss",
                                                          save_best_only=True), spy])
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert best < len(val_loss) - 1, "the test needs a run whose last epoch is not the best"
    restored = lamina.models.load_model(str(path))
    np.testing.assert_allclose(restored.evaluate(vx, vy, verbose=0)[0], val_loss[best],
                               rtol=1e-6)
    # Written at each improvement only: the file is unchanged after the best epoch.
    assert len(set(saved[best:])) == 1


def test_the_notes_bare_checkpoint_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = _data()
    callbacks_list = [  # as in the note
        lamina.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
        lamina.callbacks.ModelCheckpoint(filepath="checkpoint_path", monitor="val_loss",
                                         save_best_only=True),
    ]
    model = _model()
    history = model.fit(x, y, epochs=3, callbacks=callbacks_list, validation_data=_data(32, 3),
                        verbose=0)
    restored = lamina.models.load_model("checkpoint_path")
    best = min(history.history["val_loss"])
    np.testing.assert_allclose(restored.evaluate(*_data(32, 3), verbose=0)[0], best, rtol=1e-6)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint_path"]


def test_filepath_fields_and_weights_only(tmp_path):
    x, y = _data()
    model = _model()
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}.weights.h5")
    snapshots = []
    keep = lcb.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    history = model.fit(x, y, epochs=3, batch_size=32, validation_data=(x, y), verbose=0,
                        callbacks=[keep, lcb.ModelCheckpoint(pattern, save_weights_only=True)])
    names = [f"ckpt-{e + 1:02d}-{v:.3f}.weights.h5"
             for e, v in enumerate(history.history["val_loss"])]
    assert sorted(os.listdir(tmp_path)) == sorted(names)
    fresh = _model()
    fresh.load_weights(str(tmp_path / names[1]))
    for a, b in zip(fresh.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(KeyError, match="Failed to format"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[lcb.ModelCheckpoint(
            str(tmp_path / "{val_los}.keras"))])


def test_save_freq_batches_holds_the_exact_weights(tmp_path):
    """Every 5 batches counted across epochs (7 batches an epoch): after global batches
    5, 10, 15, 20, exactly those weights, although steps run many to a compiled call."""
    x, y = _data(112)
    lamina.utils.set_random_seed(4)
    reference = _model()
    reference.compile(reference.optimizer, "sparse_categorical_crossentropy",
                      steps_per_execution=1)
    kept = {}
    seen = [0]

    def record(batch, logs):
        seen[0] += 1
        if seen[0] % 5 == 0:
            kept[seen[0]] = reference.get_weights()

    reference.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False,
                  callbacks=[lcb.LambdaCallback(on_train_batch_end=record)])
    lamina.utils.set_random_seed(4)
    model = _model()
    # 4 steps per compiled call: chunks must still end right after batches 5, 10, ...
    model.compile(model.optimizer, "sparse_categorical_crossentropy", steps_per_execution=4)
    path = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False,
              callbacks=[lcb.ModelCheckpoint(path, save_weights_only=True, save_freq=5)])
    expected = {5: "e1-b5", 10: "e2-b3", 15: "e3-b1", 20: "e3-b6"}
    assert sorted(os.listdir(tmp_path)) == sorted(f"{n}.weights.h5" for n in expected.values())
    for step, name in expected.items():
        model.load_weights(str(tmp_path / f"{name}.weights.h5"))
        for a, b in zip(model.get_weights(), kept[step]):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_unwritable_folder_fails_before_the_first_epoch(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be")
    epochs = []
    model = _model()
    with pytest.raises(OSError, match="ModelCheckpoint cannot save to") as info:
        model.fit(*_data(), epochs=50, verbose=0, callbacks=[
            lcb.LambdaCallback(on_epoch_begin=lambda e, logs: epochs.append(e)),
            lcb.ModelCheckpoint(str(blocker / "ckpt" / "model.keras"))])
    assert epochs == [] and "not_a_folder" in str(info.value)


def test_constructor_errors_and_missing_monitor(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        lcb.ModelCheckpoint(str(tmp_path / "w.h5"), save_weights_only=True)
    with pytest.raises(ValueError, match="legacy HDF5"):
        lcb.ModelCheckpoint(str(tmp_path / "model.h5"))
    with pytest.raises(ValueError, match="save_freq"):
        lcb.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="sometimes")
    x, y = _data()
    path = tmp_path / "m-{epoch}.keras"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _model().fit(x, y, epochs=3, verbose=0, callbacks=[
            lcb.ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True)])
    assert sum("Can save best model only with val_loss" in str(w.message) for w in caught) == 1
    assert sorted(os.listdir(tmp_path)) == ["m-1.keras", "m-2.keras", "m-3.keras"]


def test_initial_value_threshold_blocks_saves_that_do_not_beat_it(tmp_path):
    path = tmp_path / "m.keras"
    _model(0.0).fit(*_data(), epochs=2, verbose=0, validation_data=_data(32, 3), callbacks=[
        lcb.ModelCheckpoint(str(path), save_best_only=True, initial_value_threshold=1e-6)])
    assert not path.exists()


def test_a_failed_save_leaves_the_previous_checkpoint_whole(tmp_path, monkeypatch):
    x, y = _data()
    path = tmp_path / "m.weights.h5"
    model = _model()
    model.fit(x, y, epochs=1, verbose=0,
              callbacks=[lcb.ModelCheckpoint(str(path), save_weights_only=True)])
    before = path.read_bytes()
    from lamina.saving import saving_api

    def broken(model, f):
        f.write(b"\x89HDF\r\n\x1a\n partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(saving_api, "write_weights", broken)
    with pytest.raises(OSError, match="No space"):
        model.fit(x, y, epochs=1, verbose=0,
                  callbacks=[lcb.ModelCheckpoint(str(path), save_weights_only=True)])
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.weights.h5"]
