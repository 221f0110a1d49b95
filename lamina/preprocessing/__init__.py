"""keras.preprocessing: the dataset utilities under their second Keras 3 name."""

from lamina.preprocessing import image, sequence
from lamina.utils.image_dataset import image_dataset_from_directory
from lamina.utils.text_dataset import text_dataset_from_directory
from lamina.utils.timeseries_dataset import timeseries_dataset_from_array
