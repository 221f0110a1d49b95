"""Distiller: a model that trains a student against labels and a frozen teacher.

The loss is `student_loss_weight * student_loss + (1 - student_loss_weight) *
sum(weight_i * distillation_loss_i)`; fit trains only the student (the teacher is frozen
at construction), predict returns the student's outputs.
"""

import jax
import jax.numpy as jnp

from lamina import metrics as metrics_mod
from lamina import tree
from lamina.core.stateless_scope import StatelessScope
from lamina.distillation.distillation_loss import _as_loss_function
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.training import data_adapter


def _check_number(value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number, got {type(value)}")


class Distiller(Model):
    """Knowledge distillation. Args: teacher, student (Keras models); distillation_losses
    (a DistillationLoss or a list); distillation_loss_weights (None: 1.0 each);
    student_loss_weight (0.5, in [0, 1]); name ("distiller"). Logs `loss`, `student_loss`,
    `distillation_loss`, `total_loss`."""

    def __init__(self, teacher, student, distillation_losses, distillation_loss_weights=None,
                 student_loss_weight=0.5, name="distiller", **kwargs):
        super().__init__(name=name, **kwargs)
        for role, model in (("teacher", teacher), ("student", student)):
            if not isinstance(model, Model):
                raise ValueError(f"Distiller: {role} must be a keras.Model, got "
                                 f"{type(model).__name__}.")
        self.teacher = teacher
        self.student = student
        _check_number(student_loss_weight, "student_loss_weight")
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"student_loss_weight must be between 0.0 and 1.0, got "
                             f"{student_loss_weight}")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError("'distillation_losses' cannot be `None`. Provide a distillation "
                             "loss (e.g., LogitsDistillation or FeatureDistillation) or a "
                             "list of distillation losses.")
        if isinstance(distillation_losses, (list, tuple)):
            self.distillation_losses = list(distillation_losses)
            weights = distillation_loss_weights
            if weights is None:
                weights = [1.0] * len(self.distillation_losses)
            elif len(weights) != len(self.distillation_losses):
                raise ValueError(
                    f"Number of distillation_loss_weights ({len(weights)}) must match "
                    f"number of distillation_losses ({len(self.distillation_losses)})")
            self.distillation_loss_weights = list(weights)
        else:
            self.distillation_losses = [distillation_losses]
            self.distillation_loss_weights = [1.0]
        for loss in self.distillation_losses:
            loss.validate_model_compatibility(teacher, student)
        self._teacher_extractor = self._feature_extractor(teacher, "teacher_layer_name")
        self._student_extractor = self._feature_extractor(student, "student_layer_name")
        self.teacher.trainable = False
        self.student_loss_tracker = metrics_mod.Mean(name="student_loss")
        self.distillation_loss_tracker = metrics_mod.Mean(name="distillation_loss")
        self.total_loss_tracker = metrics_mod.Mean(name="total_loss")

    def _feature_extractor(self, model, attribute):
        """A model giving {"final_output", each named layer's output} in one pass, or None
        when no distillation loss names a layer of `model`."""
        names = []
        for loss in self.distillation_losses:
            name = getattr(loss, attribute, None)
            if name and name not in names:
                names.append(name)
        if not names:
            return None
        if getattr(model, "inputs", None) is None:
            raise ValueError(f"Cannot create feature extractor for {model.name}. The model "
                             "has no symbolic inputs attribute.")
        final = model.layers[-1].output if isinstance(model, Sequential) else model.output
        outputs = {"final_output": final}
        outputs.update({name: model.get_layer(name=name).output for name in names})
        return Functional(model.inputs, outputs, name=f"{model.name}_multi_feature_extractor")

    @property
    def metrics(self):
        return super().metrics + [self.student_loss_tracker, self.distillation_loss_tracker,
                                  self.total_loss_tracker]

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`loss`: the student's loss against the labels (required)."""
        if loss is None:
            raise ValueError("'loss' cannot be `None`.")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"metrics must be a list or tuple, got {type(metrics)}")
        self._student_loss = tree.map_structure(_as_loss_function, loss)
        self._student_loss_for_serialization = loss
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs, training=None, **kwargs):
        return self.student(inputs, training=training, **kwargs)

    def _features(self, loss, role, features, fallback):
        name = getattr(loss, f"{role}_layer_name", None)
        if name is None:
            return fallback
        if name not in features:
            raise RuntimeError(
                f"Failed to extract features for {type(loss).__name__} targeting {role} "
                f"layer '{name}'. Available: {list(features)}")
        return features[name]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The weighted total; updates the student/distillation/total loss trackers."""
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = jnp.float32(0.0)
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(tree.map_structure(lambda fn, t, p: fn(t, p),
                                                     self._student_loss, y, y_pred))
            student_loss = jnp.sum(jnp.stack(values)) if len(values) > 1 else values[0]
            student_loss = jnp.mean(student_loss)  # a per-sample loss function
        distillation_loss = jnp.float32(0.0)
        if self.student_loss_weight < 1.0:
            teacher = (self._teacher_extractor(x, training=False) if self._teacher_extractor
                       else {"final_output": self.teacher(x, training=False)})
            student = (self._student_extractor(x, training=True) if self._student_extractor
                       else {"final_output": y_pred})
            for loss, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                if getattr(loss, "teacher_layer_name", None) is not None:
                    t = self._features(loss, "teacher", teacher, teacher["final_output"])
                    s = self._features(loss, "student", student, student["final_output"])
                else:
                    t, s = teacher["final_output"], y_pred
                loss.validate_outputs(t, s)
                value = loss.compute_loss(t, s)
                if jnp.ndim(value) > 0:
                    raise ValueError(
                        f"Distillation loss {type(loss).__name__} returned a non-scalar loss "
                        f"with shape {jnp.shape(value)}. The compute_loss method must return "
                        "a scalar tensor.")
                distillation_loss = distillation_loss + weight * value
        total = (self.student_loss_weight * student_loss
                 + (1.0 - self.student_loss_weight) * distillation_loss)
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    # -- steps: the whole loss (teacher and extractors included) runs in one scope so
    # the student's features carry gradients and the trackers' updates are kept.
    def _scoped_loss(self, tv, ntv, mv, x, y, sw, training):
        mapping = (list(zip(self.trainable_variables, tv))
                   + list(zip(self.non_trainable_variables, ntv))
                   + list(zip(self.metrics_variables, mv)))
        with StatelessScope(mapping) as scope:
            y_pred = self(x, training=training)
            total = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sw,
                                      training=training)
            batch = jnp.asarray(tree.flatten(x)[0].shape[0], jnp.float32)
            self._loss_tracker.update_state(total, sample_weight=batch)
            if y is not None:
                self.compute_metrics(x, y, y_pred, sw)
        new_ntv = [scope.get_current_value(v) for v in self.non_trainable_variables]
        new_mv = [scope.get_current_value(v) for v in self.metrics_variables]
        return total, (new_ntv, new_mv)

    def _logs(self, mv):
        with StatelessScope(zip(self.metrics_variables, mv)):
            return self.get_metrics_result()

    def train_step(self, state, data):
        tv, ntv, ov, mv = state
        x, y, sw = data_adapter.unpack_x_y_sample_weight(data)
        optimizer = self.optimizer

        def loss_fn(tv):
            total, aux = self._scoped_loss(tv, ntv, mv, x, y, sw, True)
            with StatelessScope(zip(optimizer.variables, ov)):
                return optimizer.scale_loss(total), aux

        grads, (new_ntv, new_mv) = jax.grad(loss_fn, has_aux=True)(tv)
        new_tv, new_ov = optimizer.stateless_apply(ov, grads, tv)
        return self._logs(new_mv), (new_tv, new_ntv, new_ov, new_mv)

    def test_step(self, state, data):
        tv, ntv, mv = state
        x, y, sw = data_adapter.unpack_x_y_sample_weight(data)
        _, (new_ntv, new_mv) = self._scoped_loss(tv, ntv, mv, x, y, sw, False)
        return self._logs(new_mv), (tv, new_ntv, new_mv)

    def get_config(self):
        from lamina.saving import serialize_keras_object
        config = super().get_config()
        config.update({
            "teacher": serialize_keras_object(self.teacher),
            "student": serialize_keras_object(self.student),
            "distillation_losses": [serialize_keras_object(l)
                                    for l in self.distillation_losses],
            "distillation_loss_weights": self.distillation_loss_weights,
            "student_loss_weight": self.student_loss_weight,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving import deserialize_keras_object
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(config[key], custom_objects=custom_objects)
        config["distillation_losses"] = [
            deserialize_keras_object(l, custom_objects=custom_objects)
            for l in config["distillation_losses"]]
        return cls(**config)
