"""The training side of Model: compile structures, data adapters, the compiled steps and
the epoch loop. `Trainer` is a base class of `lamina.Model`."""

from lamina.training.trainer import Trainer
