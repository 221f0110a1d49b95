from lamina.regularizers.regularizers import (
    deserialize,
    serialize,
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    get,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
)
