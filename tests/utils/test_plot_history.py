"""plot_history: one panel per metric with train and validation curves; clear errors."""

import sys

import numpy as np
import pytest

from lamina.utils import plot_history

pytest.importorskip("matplotlib")

LOGS = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.8, 0.7],
        "val_accuracy": [0.4, 0.6, 0.65], "learning_rate": [0.1, 0.1, 0.05]}


class FakeHistory:
    history = LOGS
    epoch = [2, 3, 4]  # a run resumed at initial_epoch=2


def test_panels_curves_and_file(tmp_path):
    path = tmp_path / "out" / "curves.png"
    fig = plot_history(FakeHistory(), str(path), title="run")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy", "learning_rate"]
    loss_lines = axes[0].get_lines()
    assert [line.get_label() for line in loss_lines] == ["train", "validation"]
    np.testing.assert_array_equal(loss_lines[0].get_xdata(), [3, 4, 5])  # epochs from 1
    np.testing.assert_array_equal(loss_lines[1].get_ydata(), LOGS["val_loss"])
    assert len(axes[2].get_lines()) == 1  # no validation learning rate


def test_dict_input_metric_selection_and_errors():
    fig = plot_history(LOGS, metrics=["accuracy"])
    assert [ax.get_title() for ax in fig.get_axes()] == ["accuracy"]
    np.testing.assert_array_equal(fig.get_axes()[0].get_lines()[0].get_xdata(), [1, 2, 3])
    with pytest.raises(ValueError, match="not in the history"):
        plot_history(LOGS, metrics=["auc"])
    with pytest.raises(ValueError, match="History returned by fit"):
        plot_history({})


def test_missing_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_history(LOGS)
