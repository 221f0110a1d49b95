"""plot_image_gallery: a grid of images (matplotlib), saved to `path` or shown."""

import math

import numpy as np

from lamina.backend.config import image_data_format


def import_pyplot(function):
    """matplotlib is an optional extra (`lamina[plot]`): import it when a plot is asked for."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(f"`{function}` requires the `matplotlib` package. "
                          "Install it with `pip install matplotlib`.") from error
    return plt


def plot_image_gallery(images, y_true=None, y_pred=None, label_map=None, rows=None, cols=None,
                       value_range=(0, 255), scale=2, path=None, show=None, transparent=True,
                       dpi=60, legend_handles=None, data_format=None):
    """Plots `images` (batch, H, W, C) on a `rows` x `cols` grid (default: about square).

    Pixel values are mapped from `value_range` to [0, 255]. `y_true`/`y_pred` (class ids,
    named through `label_map`, which they require) become titles. Saves to `path` (PNG at
    `dpi`) or shows the figure (`show` defaults to True when no `path`); not both.
    """
    plt = import_pyplot("plot_image_gallery")
    if path is not None and show:
        raise ValueError("plot_image_gallery() expects either `path` to be set, or `show` "
                         f"to be true, not both. Received: path={path!r}, show={show}")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("If `y_true` or `y_pred` are provided, a `label_map` must also be "
                         "provided.")
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError("plot_image_gallery() needs batched images (batch, H, W, C). "
                         f"Received: images.shape={images.shape}")
    show = path is None if show is None else show
    if (data_format or image_data_format()) == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    batch_size = images.shape[0]
    rows = rows or int(math.ceil(math.sqrt(batch_size)))
    cols = cols or int(math.ceil(batch_size // rows))
    images = images[:rows * cols].astype("float32")
    low, high = value_range
    images = np.clip((images - low) / (high - low) * 255.0, 0, 255).astype("uint8")
    fig, axes = plt.subplots(nrows=rows, ncols=cols, figsize=(cols * scale, rows * scale),
                             frameon=False, layout="tight", squeeze=False, sharex="row",
                             sharey="col")
    fig.subplots_adjust(wspace=0, hspace=0)
    if legend_handles is not None:
        fig.legend(handles=legend_handles, loc="lower center")
    y_true = None if y_true is None else np.asarray(y_true)
    y_pred = None if y_pred is None else np.asarray(y_pred)
    for index, axis in enumerate(axes.reshape(-1)):
        axis.axis("off")
        if index >= len(images):
            continue  # a grid larger than the batch keeps its last cells empty
        axis.imshow(images[index])
        axis.margins(x=0, y=0)
        titles = []
        if y_true is not None and index < len(y_true):
            titles.append(f"Label: {label_map.get(y_true[index].item(), 'Unknown')}")
        if y_pred is not None and index < len(y_pred):
            titles.append(f"Pred: {label_map.get(y_pred[index].item(), 'Unknown')}")
        if titles:
            axis.set_title("  ".join(titles), fontsize=8)
    if path is not None:
        fig.savefig(path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close(fig)
    elif show:
        plt.show()
        plt.close(fig)
