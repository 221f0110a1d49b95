from lamina.optimizers.schedules.decays import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstantDecay,
    PolynomialDecay,
)
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.optimizers.schedules.serialization import deserialize, serialize
