"""Training: compile structures, data sources, the train state and the compiled loops."""

from lamina.training.train_state import TrainState

__all__ = ["TrainState"]
