"""Thread-local context of the current layer call: the `training` flag that outer
layers pass down to inner ones; and the collectors of the losses layers add while a
model is called statelessly."""

import threading

_local = threading.local()


class CallContext:
    def __init__(self, training=None):
        self.training = training


def current():
    return getattr(_local, "ctx", None)


def enter(training):
    """Make a new context the current one; returns the previous (to give to `leave`)."""
    prev = getattr(_local, "ctx", None)
    _local.ctx = CallContext(training)
    return prev


def leave(prev):
    _local.ctx = prev


class LossCollector:
    """Collects `add_loss` values (and the layers that added them) while a model is called
    statelessly (e.g. in a step). With `gather_nested=True` it also receives what the
    collectors opened inside it collected."""

    def __init__(self, gather_nested=False):
        self.gather_nested = gather_nested

    def __enter__(self):
        self.losses, self.owners = [], []
        stack = getattr(_local, "collectors", None)
        if stack is None:
            stack = _local.collectors = []
        stack.append(self)
        return self

    def add(self, owner, loss):
        self.losses.append(loss)
        self.owners.append(owner)

    def __exit__(self, *exc):
        stack = _local.collectors
        stack.pop()
        if stack and stack[-1].gather_nested:
            stack[-1].losses += self.losses
            stack[-1].owners += self.owners
        return False


def current_collector():
    stack = getattr(_local, "collectors", None)
    return stack[-1] if stack else None
