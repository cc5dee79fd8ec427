"""Errors a user can act on. Anything kemu cannot read becomes one of these, never a traceback."""

from __future__ import annotations

import errno
import stat
from pathlib import Path


class UnreadableReport(Exception):
    """The input cannot be read as a report; the message says why in one sentence."""


class NoTextLayer(UnreadableReport):
    """A PDF whose pages carry no text: a scan. OCR (the optional extra) can read it."""


#: The start of ``path_problem``'s answer for a path that exists but holds no file contents.
NOT_A_REGULAR_FILE = "not a regular file"


def path_problem(path: Path) -> str | None:
    """Why ``path`` is neither a regular file nor a folder, found without opening it: opening
    a FIFO waits for a writer forever, and a device reads as endless or empty data."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop (the link leads back to itself)"
        if exc.errno == errno.ENOENT:
            return "a broken symlink (its target does not exist)" if path.is_symlink() else "no such file or folder"
        return exc.strerror or str(exc)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"{NOT_A_REGULAR_FILE} but {kind}"
