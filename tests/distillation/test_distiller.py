"""Distiller: fit/evaluate/predict parity with Keras 3.15 on the same weights."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def _pair(lib, name):
    inputs = lib.Input((6,))
    hidden = lib.layers.Dense(8, activation="relu", name=f"{name}_hidden")(inputs)
    return lib.Model(inputs, lib.layers.Dense(3, name=f"{name}_out")(hidden), name=name)


def _run(lib, weights, losses, student_loss_weight, x, y):
    teacher, student = _pair(lib, "teacher"), _pair(lib, "student")
    teacher.set_weights(weights[0])
    student.set_weights(weights[1])
    distiller = lib.distillation.Distiller(teacher, student, losses(lib),
                                           distillation_loss_weights=[1.0, 0.5],
                                           student_loss_weight=student_loss_weight)
    distiller.compile(optimizer=lib.optimizers.SGD(0.1),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = distiller.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    evaluation = distiller.evaluate(x, y, verbose=0, return_dict=True)
    return (history.history, evaluation, teacher.get_weights(), student.get_weights(),
            distiller.predict(x, verbose=0))


def _losses(lib):
    return [lib.distillation.LogitsDistillation(temperature=2.0, loss=lib.losses.KLDivergence()),
            lib.distillation.FeatureDistillation(loss="mse", teacher_layer_name="teacher_hidden",
                                                 student_layer_name="student_hidden")]


def _default_losses(lib):
    return [lib.distillation.LogitsDistillation(),  # "kl_divergence" on scaled logits
            lib.distillation.FeatureDistillation()]  # "mse" on final outputs


@pytest.mark.parametrize("losses,student_loss_weight", [(_losses, 0.3),
                                                        (_default_losses, 0.5)])
def test_fit_evaluate_predict_match_keras(losses, student_loss_weight):
    rs = np.random.RandomState(0)
    x = rs.randn(32, 6).astype("float32")
    y = rs.randint(0, 3, 32)
    shapes = [(6, 8), (8,), (8, 3), (3,)]
    weights = tuple([(0.5 * rs.randn(*shape)).astype("float32") for shape in shapes]
                    for _ in range(2))
    ours = _run(lamina, weights, losses, student_loss_weight, x, y)
    ref = _run(keras, weights, losses, student_loss_weight, x, y)
    assert set(ours[0]) == set(ref[0]) == {"loss", "accuracy", "student_loss",
                                           "distillation_loss", "total_loss"}
    for key in ref[0]:
        np.testing.assert_allclose(ours[0][key], ref[0][key], rtol=1e-4, err_msg=key)
        np.testing.assert_allclose(ours[1][key], ref[1][key], rtol=1e-4, err_msg=key)
    for a, b in zip(ours[2], weights[0]):  # the teacher is frozen
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours[3], ref[3]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert not np.allclose(ours[3][0], weights[1][0])  # the student trained
    np.testing.assert_allclose(ours[4], ref[4], rtol=1e-4, atol=1e-5)


def test_bad_arguments_raise():
    t, s = _pair(lamina, "teacher"), _pair(lamina, "student")
    logits = lamina.distillation.LogitsDistillation()
    D = lamina.distillation.Distiller
    with pytest.raises(ValueError, match="between 0.0 and 1.0, got 1.5"):
        D(t, s, logits, student_loss_weight=1.5)
    with pytest.raises(ValueError, match="cannot be `None`"):
        D(t, s, None)
    with pytest.raises(ValueError, match=r"distillation_loss_weights \(1\) must match .* \(2\)"):
        D(t, s, [logits, logits], distillation_loss_weights=[1.0])
    with pytest.raises(ValueError, match="In teacher model"):
        D(t, s, lamina.distillation.FeatureDistillation(teacher_layer_name="nope"))
    with pytest.raises(ValueError, match="'loss' cannot be `None`"):
        D(t, s, logits).compile(optimizer="sgd")
    with pytest.raises(ValueError, match="temperature must be positive"):
        lamina.distillation.LogitsDistillation(temperature=0.0)
    with pytest.raises(ValueError, match="Unknown loss function: 'nope'"):
        lamina.distillation.FeatureDistillation(loss="nope")
    with pytest.raises(ValueError, match="at least one non-`None`"):
        lamina.distillation.FeatureDistillation(loss=None)


def test_config_round_trip():
    distiller = lamina.distillation.Distiller(
        _pair(lamina, "teacher"), _pair(lamina, "student"),
        [lamina.distillation.LogitsDistillation(temperature=4.0),
         lamina.distillation.FeatureDistillation(teacher_layer_name="teacher_hidden",
                                                 student_layer_name="student_hidden")],
        distillation_loss_weights=[1.0, 0.25], student_loss_weight=0.2)
    restored = lamina.distillation.Distiller.from_config(distiller.get_config())
    assert restored.student_loss_weight == 0.2
    assert restored.distillation_loss_weights == [1.0, 0.25]
    assert restored.distillation_losses[0].temperature == 4.0
    assert restored.distillation_losses[1].student_layer_name == "student_hidden"
    assert restored.teacher.trainable is False
    x = np.ones((2, 6), "float32")
    assert restored.predict(x, verbose=0).shape == (2, 3)
