"""serialize / deserialize learning-rate schedules in Keras's dict format."""

from lamina.optimizers.schedules import decays
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule

MODULE = "keras.optimizers.schedules"

ALL_SCHEDULES = {
    cls.__name__: cls
    for cls in (decays.ExponentialDecay, decays.PiecewiseConstantDecay, decays.PolynomialDecay,
                decays.InverseTimeDecay, decays.CosineDecay, decays.CosineDecayRestarts)
}


def serialize(learning_rate_schedule):
    """`{"module", "class_name", "config", "registered_name"}` for a schedule (Keras's layout)."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(f"Expected a LearningRateSchedule, got {learning_rate_schedule!r}.")
    cls = type(learning_rate_schedule)
    builtin = ALL_SCHEDULES.get(cls.__name__) is cls
    return {
        "module": MODULE if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """Rebuild a schedule from `serialize`'s dict (or `{"class_name", "config"}`)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret learning rate schedule config: {config!r}")
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(config.get("registered_name") or name) or custom_objects.get(name)
    cls = cls or ALL_SCHEDULES.get(name)
    if cls is None:
        raise ValueError(
            f"Unknown learning rate schedule: '{name}'. Known schedules: "
            f"{sorted(ALL_SCHEDULES)}; pass other classes in `custom_objects`.")
    return cls.from_config(dict(config.get("config", {})))
