"""Atomic file writes: write a temporary file beside the target, flush it to disk, then
rename it over the target. A process killed at any point leaves the old file intact.

A target that is a symbolic link is written through: the link's final target is replaced
and the link stays. Temporary files are named `.NAME.PID.<random>.tmp`; the next write to the
same target removes those left by processes that no longer run (a save killed by SIGKILL).
"""

import contextlib
import glob
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path):
    """`with atomic_write(path) as f:` yields a binary file; on success it replaces `path`
    (or, for a symbolic link, the file it points to)."""
    path = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(path)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.{os.getpid()}.",
                               suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, _mode_for(path))
        with os.fdopen(fd, "w+b") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _mode_for(path):
    """The target's current permissions, else the usual ones for a new file."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temporaries(path):
    """Remove the temporary files of writes to `path` whose process is gone."""
    path = os.path.realpath(os.fspath(path))
    pattern = os.path.join(glob.escape(os.path.dirname(path)),
                           f".{glob.escape(os.path.basename(path))}.*.tmp")
    for tmp in glob.glob(pattern):
        pid = os.path.basename(tmp)[len(os.path.basename(path)) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
