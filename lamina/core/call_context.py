"""Thread-local context of the current layer call: the `training` flag that outer
layers pass down to inner ones, and the losses layers add while being called."""

import threading

_local = threading.local()


class CallContext:
    def __init__(self, training=None):
        self.training = training
        self.losses = []


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
    """Collects `add_loss` values while a model is called statelessly (e.g. in a step)."""

    def __enter__(self):
        self.losses = []
        stack = getattr(_local, "collectors", None)
        if stack is None:
            stack = _local.collectors = []
        stack.append(self)
        return self

    def __exit__(self, *exc):
        _local.collectors.pop()
        return False


def current_collector():
    stack = getattr(_local, "collectors", None)
    return stack[-1] if stack else None
