"""StatelessScope: run stateful Keras code as a pure function.

Inside a scope, reading a mapped `Variable` gives the value the scope holds for it
(possibly a tracer) and `assign*` stores the new value in the scope instead of the
variable. The caller reads the updated values back with `get_current_value`.
"""

import threading

_local = threading.local()


def _stack():
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current_scope():
    """The innermost active StatelessScope, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def in_stateless_scope():
    return bool(_stack())


class StatelessScope:
    """Map variables to values for the duration of a `with` block.

    Args:
        state_mapping: iterable of `(variable, value)` pairs (or a dict). Unmapped
            variables read their own value; assignments to any variable are recorded.
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        # Losses are collected by `call_context.LossCollector` and new variables are always
        # initialized at once: Keras's other settings of these two are refused.
        for option, value, default in (("collect_losses", collect_losses, False),
                                       ("initialize_variables", initialize_variables, True)):
            if value is not default:
                raise ValueError(f"StatelessScope: {option}={value!r} is not supported by "
                                 f"lamina; expected {option}={default!r}.")
        state_mapping = () if state_mapping is None else state_mapping
        if isinstance(state_mapping, dict):
            state_mapping = state_mapping.items()
        self._values = {}
        self._vars = {}
        for var, value in state_mapping:
            self._values[id(var)] = value
            self._vars[id(var)] = var
        self._assigned = {}

    def __enter__(self):
        _stack().append(self)
        return self

    def __exit__(self, *exc):
        _stack().pop()
        return False

    def read(self, variable):
        """Value of `variable` in this scope, or None when the scope does not hold it."""
        key = id(variable)
        if key in self._assigned:
            return self._assigned[key]
        return self._values.get(key)

    def assign(self, variable, value):
        key = id(variable)
        self._assigned[key] = value
        self._vars[key] = variable

    def get_current_value(self, variable):
        """The value a variable has at this point of the scope (assigned, mapped or own)."""
        value = self.read(variable)
        if value is None:
            return variable._value
        return value

    def assigned_variables(self):
        """Variables assigned inside the scope, in first-assignment order."""
        return [self._vars[k] for k in self._assigned]
