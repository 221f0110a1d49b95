"""Which layers compute each row of a batch from that row alone, at inference.

`predict` may regroup rows into bigger compute batches (same outputs, better matmul use)
when every layer of the model is such a layer. The decision is made from the `call` method
a layer runs: lamina's public layer classes declare theirs (a subclass that keeps the
inherited `call` keeps the property); `Lambda` and anything else may mix rows.
"""

_MAY_MIX_ROWS = ("Lambda", "Layer")
_calls = None


def _row_independent_calls():
    global _calls
    if _calls is None:
        from lamina import layers
        from lamina.core.layer import Layer

        _calls = {cls.call for name, cls in vars(layers).items()
                  if isinstance(cls, type) and issubclass(cls, Layer)
                  and name not in _MAY_MIX_ROWS}
    return _calls


def rows_independent(layer):
    """Whether `layer`'s inference output for a row depends on that row alone."""
    return type(layer).call in _row_independent_calls()
