"""With interactive logging off, progress bars and callback messages go to the
"lamina" logger instead of stdout (Keras sends them to its logger too)."""

import logging

import numpy as np
import pytest

import lamina


@pytest.fixture
def quiet():
    lamina.config.disable_interactive_logging()
    yield
    lamina.config.enable_interactive_logging()


def _fit(verbose):
    model = lamina.Sequential([lamina.Input((2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), "float32")
    model.fit(x, x[:, :1], batch_size=4, epochs=2, verbose=verbose,
              callbacks=[lamina.callbacks.EarlyStopping("loss", patience=0, min_delta=1e9,
                                                        verbose=1)])


def test_switch_state_in_config_and_utils():
    assert lamina.config.is_interactive_logging_enabled()
    lamina.utils.disable_interactive_logging()
    assert not lamina.config.is_interactive_logging_enabled()
    assert not lamina.utils.is_interactive_logging_enabled()
    lamina.utils.enable_interactive_logging()
    assert lamina.config.is_interactive_logging_enabled()


def test_disabled_logging_goes_to_logger(quiet, capsys, caplog):
    with caplog.at_level(logging.INFO, logger="lamina"):
        _fit(verbose=2)
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "lamina"]
    assert messages[0] == "Epoch 1/2"
    assert messages[1].startswith("2/2 - ") and "loss:" in messages[1]
    assert "Epoch 2: early stopping" in messages


def test_enabled_logging_prints(capsys, caplog):
    with caplog.at_level(logging.INFO, logger="lamina"):
        _fit(verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/2\n") and "early stopping" in out
    assert not [r for r in caplog.records if r.name == "lamina"]
