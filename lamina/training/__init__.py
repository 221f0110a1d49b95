"""The training side of Model: compile structures, data adapters, the train state, the
compiled loops and the epoch runner. `Trainer` is a base class of `lamina.Model`."""

from lamina.training.train_state import TrainState
from lamina.training.trainer import Trainer

__all__ = ["TrainState", "Trainer"]
