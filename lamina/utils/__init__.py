"""lamina.utils: helpers around models (plot_model, ...)."""

from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.backend.session import clear_session
from lamina.callbacks.progbar import Progbar
from lamina.utils.random_seed import set_random_seed
from lamina.utils.plot_history import plot_history
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.py_dataset import PyDataset
from lamina.utils.sequence_utils import pad_sequences
from lamina.utils.data_source import DataSource
from lamina.utils.dataset_split import split_dataset
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.text_dataset import text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array
from lamina.utils.audio_dataset import audio_dataset_from_directory
from lamina.datasets.get_file import get_file
from lamina.backend.config import (
    disable_interactive_logging, enable_interactive_logging, is_interactive_logging_enabled)
from lamina.backend.dtypes import standardize_dtype
from lamina.backend.symbolic_types import is_keras_tensor
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.utils import bounding_boxes, legacy
from lamina.utils.config_object import Config
from lamina.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from lamina.utils.sample_weight_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from lamina.utils.source_inputs import get_source_inputs

Sequence = PyDataset  # Keras 3 keeps the old name as an alias of PyDataset
