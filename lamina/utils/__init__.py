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
from lamina.utils.source_inputs import get_source_inputs
