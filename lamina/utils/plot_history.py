"""plot_history: training and validation curves of a `fit` run, one panel per metric."""

import math
import os


def plot_history(history, to_file=None, metrics=None, dpi=100, title=None):
    """Draw each metric's train curve and, when present, its validation curve.

    Args:
        history: the `History` that `fit` returns (or its `.history` dict:
            {"loss": [...], "val_loss": [...], ...}, one value per epoch).
        to_file: where to save the picture (format from the extension, e.g. "curves.png");
            None: only return the figure.
        metrics: names to draw, e.g. ["loss", "accuracy"] (default: every key that is not
            `val_*`, in the history's order). "learning_rate" gets its own panel too.
        dpi: resolution of the saved picture.
        title: a title over all panels.

    Returns: the matplotlib `Figure` (panels in a grid of at most 3 columns).
    Needs matplotlib (`pip install matplotlib`, or lamina's `plot` extra).
    """
    try:
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError as e:
        raise ImportError("plot_history() needs matplotlib, which is not installed. Install it "
                          "with `pip install matplotlib` (or `pip install lamina[plot]`).") from e
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError("plot_history() expects the History returned by fit() or its "
                         f"`.history` dict with at least one metric; got {history!r}.")
    names = list(metrics) if metrics is not None else [
        k for k in logs if not k.startswith("val_")] or [k[4:] for k in logs]
    missing = [n for n in names if n not in logs and f"val_{n}" not in logs]
    if missing:
        raise ValueError(f"plot_history(): {missing} not in the history (keys: {list(logs)}).")
    epochs = list(getattr(history, "epoch", None) or [])
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig = Figure(figsize=(4.5 * cols, 3.4 * rows), dpi=dpi)
    for i, name in enumerate(names):
        ax = fig.add_subplot(rows, cols, i + 1)
        for key, label, style in ((name, "train", "o-"), (f"val_{name}", "validation", "s--")):
            values = logs.get(key)
            if not values:
                continue
            xs = [e + 1 for e in epochs] if len(epochs) == len(values) else \
                list(range(1, len(values) + 1))
            ax.plot(xs, [float(v) for v in values], style, label=label, markersize=3)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if to_file is not None:
        folder = os.path.dirname(os.path.abspath(os.fspath(to_file)))
        os.makedirs(folder, exist_ok=True)
        fig.savefig(to_file)
    return fig
