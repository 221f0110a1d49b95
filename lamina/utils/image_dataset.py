"""image_dataset_from_directory: a folder of images in class subfolders, as batches of
(images, labels), with Keras's arguments and outputs; decoding with Pillow."""

from lamina.backend.config import image_data_format
from lamina.utils import directory_index as index
from lamina.utils.image_loading import ALLOWED_FORMATS, CHANNELS, INTERPOLATIONS, load_image


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False,
                                 pad_to_aspect_ratio=False, data_format=None, format="tf",
                                 verbose=True):
    """Batches of `(images, labels)` (or images alone with labels=None) from `directory`.

    images: float32 (batch, height, width, channels) in [0, 255] (channels first with
    data_format="channels_first"); labels: int32 (batch,) for label_mode "int", float32
    one-hot (batch, classes) for "categorical", float32 (batch, 1) for "binary".
    Returns a lamina DataSource (iterable, `class_names`, `file_paths`), or a list
    [training, validation] with subset="both". `format` ("tf" or "grain") picks
    Keras's return type; lamina returns its DataSource for both.
    """
    if color_mode not in CHANNELS:
        raise ValueError(f'`color_mode` must be "rgb", "rgba" or "grayscale"; got '
                         f"{color_mode!r}.")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"`interpolation` must be one of {list(INTERPOLATIONS)} in lamina; "
                         f"got {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be "
                         "True.")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` must be "tf" or "grain"; got {format!r}.')
    data_format = data_format or image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"`data_format` must be 'channels_last' or 'channels_first'; got "
                         f"{data_format!r}.")
    image_size = tuple(int(s) for s in image_size)

    def load_file(path):
        image = load_image(path, image_size, color_mode, interpolation, crop_to_aspect_ratio,
                           pad_to_aspect_ratio)
        return image.transpose(2, 0, 1) if data_format == "channels_first" else image

    return index.directory_dataset(directory, load_file, ALLOWED_FORMATS, "images", labels,
                                   label_mode, class_names, batch_size, shuffle, seed,
                                   validation_split, subset, follow_links, verbose)
