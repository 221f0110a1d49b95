from lamina.backend.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.backend.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from lamina.backend.session import clear_session
from lamina.backend.config import backend
from lamina.backend.symbolic_types import is_keras_tensor
from lamina.backend.uids import get_uid
