"""`filter_traceback`: errors from public entry points show the user's frames only.

While `config.is_traceback_filtering_enabled()` (the default), an exception escaping
a decorated function is re-raised with every frame of lamina's own source files
below the entry point dropped from its traceback (decorators' own `wrapper` frames
remain), so what a user reads is their code and the line that raised (the
chained cause keeps the full story). `config.disable_traceback_filtering()` turns
it off for debugging lamina itself.
"""

import functools
import os
import types

from lamina.backend import config

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _user_frames(tb):
    """`tb` without the frames whose code lives in lamina's package directory, except
    the innermost."""
    kept = []
    while tb is not None:
        # The innermost frame (the line that raised) stays, wherever it is.
        if tb.tb_next is None or not tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            kept.append(tb)
        tb = tb.tb_next
    new = None
    for frame_tb in reversed(kept):
        new = types.TracebackType(new, frame_tb.tb_frame, frame_tb.tb_lasti, frame_tb.tb_lineno)
    return new


def filter_traceback(fn):
    """Decorate a public entry point (fit, evaluate, predict, ...) as described above."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not config.is_traceback_filtering_enabled():
            return fn(*args, **kwargs)
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            # The callers' frames are added back as the exception leaves this function.
            raise e.with_traceback(_user_frames(e.__traceback__)) from e.__cause__

    return wrapper
