from lamina.backend.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.backend.dtypes import standardize_dtype
from lamina.backend.session import clear_session
