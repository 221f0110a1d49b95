"""Distillation losses: how a student's outputs are pulled toward a teacher's.

DistillationLoss is the base (override `compute_loss`); LogitsDistillation compares
temperature-softened final outputs, FeatureDistillation compares final outputs or the
outputs of named intermediate layers.
"""

import jax.numpy as jnp

from lamina import losses, tree
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.ops import nn as nn_ops


def _as_loss_function(item):
    """None stays None; a name becomes its Keras loss; a callable stays as it is."""
    if item is None or not isinstance(item, str):
        return item
    try:
        found = losses.get(item)
    except ValueError:
        found = None
    if found is None:
        raise ValueError(f"Unknown loss function: '{item}'.")
    return found


def _sum_of_losses(apply, loss, teacher_outputs, student_outputs):
    """Sum of `apply(loss_fn, teacher, student)` over the matching leaves (None skips)."""
    values = tree.map_structure(
        lambda fn, t, s: jnp.float32(0.0) if fn is None else apply(fn, t, s),
        loss, teacher_outputs, student_outputs)
    return jnp.sum(jnp.stack([jnp.asarray(v, jnp.float32) for v in tree.flatten(values)]))


class DistillationLoss:
    """Base of distillation losses: `compute_loss(teacher_outputs, student_outputs)` returns
    a scalar; `validate_outputs` and `validate_model_compatibility` check inputs."""

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        # The base has no loss of its own: a subclass defines it (as Keras's base requires).
        raise TypeError(
            f"{type(self).__name__} does not define compute_loss(teacher_outputs, "
            "student_outputs); subclass DistillationLoss and define it.")

    def validate_outputs(self, teacher_outputs, student_outputs):
        try:
            tree.assert_same_structure(teacher_outputs, student_outputs)
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"{type(self).__name__}: the teacher's and the student's outputs have "
                f"different structures: {error}") from error

    def validate_model_compatibility(self, teacher, student):
        """Nothing to check by default."""


class FeatureDistillation(DistillationLoss):
    """Mean `loss(teacher_features, student_features)`, summed over outputs. Args: loss
    ("mse"; a name, a loss, or a structure of them matching the outputs, None skipping
    one); teacher_layer_name, student_layer_name (None: the models' final outputs)."""

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = tree.map_structure(_as_loss_function, loss)
        if all(fn is None for fn in tree.flatten(self.loss)):
            raise ValueError("The `loss` argument in `FeatureDistillation` must contain at "
                             "least one non-`None` value.")

    def validate_model_compatibility(self, teacher, student):
        named = {"teacher": (teacher, self.teacher_layer_name),
                 "student": (student, self.student_layer_name)}
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            symbolic = [role for role, (model, _) in named.items()
                        if getattr(model, "inputs", None) is None]
            if symbolic:
                raise ValueError(
                    "FeatureDistillation with layer names needs Functional or Sequential "
                    f"models; the {' and '.join(symbolic)} model(s) have no symbolic inputs. "
                    "Leave the layer names out to distill final outputs.")
        for role, (model, layer_name) in named.items():
            if layer_name is not None:
                try:
                    model.get_layer(name=layer_name)
                except ValueError as error:
                    raise ValueError(f"In {role} model: {error}") from error

    def validate_outputs(self, teacher_outputs, student_outputs):
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except (ValueError, TypeError) as error:
            raise ValueError(f"FeatureDistillation: the loss structure does not match the "
                             f"outputs' structure: {error}") from error

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        return _sum_of_losses(lambda fn, t, s: jnp.mean(fn(t, s)), self.loss,
                              teacher_outputs, student_outputs)

    def get_config(self):
        return {"loss": losses.serialize(self.loss),
                "teacher_layer_name": self.teacher_layer_name,
                "student_layer_name": self.student_layer_name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["loss"] = losses.deserialize(config["loss"])
        return cls(**config)


class LogitsDistillation(DistillationLoss):
    """Distillation on final outputs divided by `temperature` (3.0). A KLDivergence loss
    instance compares softmax probabilities and is scaled by temperature**2; any other loss
    (the default name "kl_divergence" resolves to the plain function, as in Keras)
    compares the scaled logits. A structure of losses matches several outputs (None skips
    one)."""

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        self.temperature = temperature
        self.loss = tree.map_structure(_as_loss_function, loss)
        if all(fn is None for fn in tree.flatten(self.loss)):
            raise ValueError("At least one loss must be non-`None`.")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ValueError("temperature must be positive.")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        scale = lambda x: jnp.divide(x, self.temperature)
        teacher = tree.map_structure(scale, teacher_outputs)
        student = tree.map_structure(scale, student_outputs)

        def apply(fn, t, s):
            if isinstance(fn, losses.KLDivergence):
                value = jnp.mean(fn(nn_ops.softmax(t, axis=-1), nn_ops.softmax(s, axis=-1)))
                return value * self.temperature ** 2
            return jnp.mean(fn(t, s))

        return _sum_of_losses(apply, self.loss, teacher, student)

    def get_config(self):
        return {"temperature": self.temperature, "loss": serialize_keras_object(self.loss)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["loss"] = losses.deserialize(config["loss"])
        return cls(**config)
