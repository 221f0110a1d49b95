"""Distillation losses against an independent NumPy computation."""

import numpy as np
import pytest

import lamina

rs = np.random.RandomState(1)
T = rs.randn(4, 5).astype("float32")
S = rs.randn(4, 5).astype("float32")


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_logits_distillation_kl_instance_uses_softened_probabilities():
    loss = lamina.distillation.LogitsDistillation(temperature=2.0,
                                                  loss=lamina.losses.KLDivergence())
    p, q = _softmax(T / 2.0), _softmax(S / 2.0)
    expected = np.mean(np.sum(p * np.log(p / q), -1)) * 4.0
    np.testing.assert_allclose(loss.compute_loss(T, S), expected, rtol=1e-5)


def test_feature_distillation_structure_and_none_skips():
    loss = lamina.distillation.FeatureDistillation(loss=["mse", None])
    np.testing.assert_allclose(loss.compute_loss([T, T], [S, T * 9]),
                               np.mean((T - S) ** 2), rtol=1e-6)


def test_base_class_needs_compute_loss():
    class Custom(lamina.distillation.DistillationLoss):
        def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
            return np.abs(teacher_outputs - student_outputs).sum()

    assert float(Custom().compute_loss(T, S)) == np.abs(T - S).sum()


def test_the_base_class_says_compute_loss_must_be_defined():
    with pytest.raises(TypeError, match=r"DistillationLoss does not define compute_loss"):
        lamina.distillation.DistillationLoss().compute_loss(np.zeros(2), np.zeros(2))
