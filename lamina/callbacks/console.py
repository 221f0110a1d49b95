"""`print_msg`: where progress bars and callback messages go.

To stdout while interactive logging is on (`keras.config.enable_interactive_logging`,
the default); otherwise to the Python logger "lamina" at level INFO, one record per
message, so batch jobs can route it like any other log.
"""

import logging
import sys

from lamina.backend.config import is_interactive_logging_enabled

logger = logging.getLogger("lamina")


def print_msg(message, line_break=True):
    """Write `message` (a str) to stdout, or log it when interactive logging is off.

    line_break: end the stdout write with a newline (True by default); a message
    starting with "\\r" redraws the current line.
    """
    if is_interactive_logging_enabled():
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    elif message.strip():
        logger.info(message.strip("\r\n"))
