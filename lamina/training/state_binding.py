"""StateBinding: moves a TrainState between a model's Variables and the compiled loop."""

from lamina.core.variable import announce_host_read, raw_values, write_raw
from lamina.training.train_state import TrainState


class StateBinding:
    """The Variables a TrainState stands for, group by group.

    Args:
        trainable, non_trainable, optimizer, metrics: lists of Variables, in the orders
            of the TrainState's lists.

    Reads and writes here never notify a host-read watcher: they are the loop's own.
    """

    def __init__(self, trainable, non_trainable, optimizer, metrics):
        self.variables = TrainState(list(trainable), list(non_trainable), list(optimizer),
                                    list(metrics))
        self._ids = {id(v) for group in self.variables[:4] for v in group}

    def _groups(self):
        return self.variables[:4]

    def read(self, step_logs=None):
        """The values the Variables hold now, as a TrainState (the loop's own read)."""
        return TrainState(*(raw_values(g) for g in self._groups()), step_logs=step_logs)

    def current(self, step_logs=None):
        """Like `read`, for a call that starts from the model's Variables (fit, evaluate):
        a host-read watcher hears of it first, e.g. when a callback runs `evaluate`."""
        announce_host_read(v for group in self._groups() for v in group)
        return self.read(step_logs)

    def write(self, state):
        """Put `state`'s values into the Variables (e.g. before callbacks look)."""
        for group, values in zip(self._groups(), state[:4]):
            write_raw(group, values)

    def holds(self, variable):
        return id(variable) in self._ids

    def assigned_since(self, written):
        """Whether any Variable holds another value than `written` gave it (a callback
        assigned it)."""
        return any(now is not was for group, values in zip(self._groups(), written[:4])
                   for now, was in zip(raw_values(group), values))

    def absorb(self, written):
        """`written` with what callbacks assigned since it was written."""
        if not self.assigned_since(written):
            return written
        return self.read(written.step_logs)

    def keep_assigned(self, written, replacement):
        """Write `replacement` into the Variables, except those a callback assigned since
        `written` was written (they keep their new value); returns what they now hold."""
        merged = []
        for group, was, new in zip(self._groups(), written[:4], replacement[:4]):
            merged.append([now if now is not w else n
                           for now, w, n in zip(raw_values(group), was, new)])
        state = TrainState(*merged, step_logs=replacement.step_logs)
        self.write(state)
        return state
