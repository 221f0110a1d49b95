from lamina.constraints.constraints import (
    deserialize,
    serialize,
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
    get,
    max_norm,
    min_max_norm,
    non_neg,
    unit_norm,
)
