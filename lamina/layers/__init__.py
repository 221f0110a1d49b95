from lamina.core.input_spec import InputSpec
from lamina.core.layer import Layer
from lamina.layers.core import Activation, Dense, Identity, Lambda
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from lamina.layers.regularization import (
    Dropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from lamina.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
