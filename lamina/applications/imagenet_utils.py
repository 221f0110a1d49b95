"""ImageNet helpers shared by the application modules: `preprocess_input` in its three
modes, `decode_predictions`, and the input-shape checks every builder runs.

preprocess_input modes (images with RGB channels, values 0-255):
  "caffe": RGB -> BGR, then minus the ImageNet mean per channel (no scaling).
  "tf":    scaled to [-1, 1] (x / 127.5 - 1).
  "torch": scaled to [0, 1], minus the ImageNet mean, divided by its std per channel.
"""

import json
import warnings

import numpy as np

from lamina import backend, ops
from lamina.backend.dtypes import is_float_dtype, standardize_dtype
from lamina.core.keras_tensor import KerasTensor
from lamina.datasets.get_file import get_file

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                    "imagenet_class_index.json")
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)

_class_index = None


def _data_format(data_format):
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or "
                         f"`channels_last`. Received: data_format={data_format}")
    return data_format


def _channel_shape(ndim, data_format):
    """Shape that broadcasts a per-channel vector over an image batch of rank `ndim`."""
    if data_format == "channels_last":
        return (3,)
    return (3,) + (1,) * (ndim - 1 if ndim == 3 else ndim - 2)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocess a batch of RGB images (0-255) as an ImageNet model expects.

    Args:
        x: array (NumPy, JAX or symbolic) of shape (..., H, W, 3), or (..., 3, H, W)
            with `data_format="channels_first"`. Integer input is cast to float32.
        data_format: default `keras.config.image_data_format()`.
        mode: "caffe", "tf" or "torch" (see the module docstring).

    Returns:
        The preprocessed array, same shape (a new array: the input is not modified).
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. "
                         f"Received: mode={mode}")
    data_format = _data_format(data_format)
    numpy_in = isinstance(x, np.ndarray)
    xp = np if numpy_in else ops
    if numpy_in:
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(backend.floatx())
    elif not isinstance(x, KerasTensor) and not is_float_dtype(standardize_dtype(x.dtype)):
        x = ops.cast(x, backend.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    shape = _channel_shape(len(x.shape), data_format)
    dtype = x.dtype if numpy_in else None
    if mode == "torch":
        mean = np.reshape(np.array(TORCH_MEAN, dtype or "float32"), shape)
        std = np.reshape(np.array(TORCH_STD, dtype or "float32"), shape)
        return (x / 255.0 - mean) / std
    axis = -1 if data_format == "channels_last" else (0 if len(x.shape) == 3 else 1)
    x = xp.flip(x, axis=axis)  # RGB -> BGR
    return x - np.reshape(np.array(CAFFE_MEAN_BGR, dtype or "float32"), shape)


def _load_class_index():
    global _class_index
    if _class_index is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_MD5)
        with open(path) as f:
            _class_index = json.load(f)
    return _class_index


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction.

    Args:
        preds: array of shape (samples, 1000), class scores.
        top: how many classes per sample.

    Returns:
        A list (one per sample) of lists of `(class_id, class_name, score)` tuples,
        highest score first. The class names come from Keras's
        `imagenet_class_index.json`, downloaded once into the cache
        (`get_file(..., cache_subdir="models")`).
    """
    preds = np.asarray(ops.convert_to_numpy(preds))
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D "
                         f"array of shape (samples, 1000)). Received array with shape: "
                         f"{preds.shape}")
    index = _load_class_index()
    results = []
    for pred in preds:
        best = np.argsort(pred)[-top:][::-1]
        results.append([tuple(index[str(i)]) + (pred[i],) for i in best])
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape (without batch), checked like Keras's builders check it.

    `require_flatten` is `include_top`: the head needs a static shape, and with
    `weights="imagenet"` exactly the default one.
    """
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(f"This model usually expects 1 or 3 input channels. However, it "
                          f"was passed an input_shape with {channels} input channels.",
                          stacklevel=3)
    else:
        channels = 3
    default_shape = ((channels, default_size, default_size) if channels_first else
                     (default_size, default_size, channels))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  Received: "
                             f"input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        channels = input_shape[0] if channels_first else input_shape[-1]
        if weights == "imagenet" and channels != 3:
            raise ValueError(f"The input must have 3 channels; Received "
                             f"`input_shape={input_shape}`")
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in tuple(input_shape):
        raise ValueError("If `include_top` is True, you should specify a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return tuple(input_shape)
