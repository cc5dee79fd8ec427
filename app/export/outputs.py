"""Where an export is written: never over what the command reads, staged beside ``OUT`` under a
name that says which process writes it, and every failure to write it said in one sentence.

Why here and not in a sink: every format shares these rules (docs/export.md § Formats), and
an output refused or failed must be decided before or regardless of the format's writer.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.errors import in_chain
from app.review.sidecar import FORMATS as SIDECAR_FORMATS

#: A sidecar, its journal or its lock (app/review/sidecar.py): the reviewer's work, never an output.
SIDECAR_NAME = re.compile(rf"\.kemu\.({'|'.join(SIDECAR_FORMATS)})(\.journal|\.lock)?$", re.IGNORECASE)
#: ``.NAME.partial-HOST-PID-TAG[.SUFFIX]``: a staged export, owned by process PID on host HOST.
PARTIAL_NAME = re.compile(r"^\..+\.partial-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-f]{8}")


class OutputError(Exception):
    """``OUT`` cannot be used or could not be written; the message is the one sentence to show."""


def check_output(out: Path, reads: Iterable[Path], *, folder: bool = False) -> None:
    """Refuse ``out`` before anything is written when it is a file the command reads (a report,
    a path given), a sidecar, or a folder where a file is expected. Paths are compared resolved,
    so a symlink or a relative path to an input is refused too."""
    resolved = out.resolve()
    if out.is_dir() and not folder:
        raise OutputError(f"{out} is a folder; name a file to write the export to (only --partition-by writes a folder)")
    if SIDECAR_NAME.search(out.name) or SIDECAR_NAME.search(resolved.name):
        raise OutputError(f"{out} is a review sidecar; refusing to overwrite a reviewer's work (choose another output name)")
    if any(resolved == Path(p).resolve() for p in reads):
        raise OutputError(f"{out} is one of the files this export reads; refusing to overwrite it (choose another output name)")
    if any(resolved.with_name(f"{resolved.name}.kemu.{fmt}{part}").exists() for fmt in SIDECAR_FORMATS for part in ("", ".journal")):
        raise OutputError(f"{out} is a reviewed report (it has a sidecar); refusing to overwrite it (choose another output name)")


def kept_sentence(out: Path) -> str:
    """What a run that did not replace ``out`` left on disk."""
    return f"{out} left as it was" if out.exists() else f"{out} not written"


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Any failure of a format's writer (an OSError, DuckDB's IOException or
    TransactionException, …) becomes one ``OutputError`` that says what is on disk."""
    try:
        yield
    except OutputError:
        raise
    except Exception as exc:
        raise OutputError(f"cannot write {out} ({write_failure_reason(exc)}); {kept_sentence(out)}") from exc


def write_failure_reason(exc: BaseException) -> str:
    """The cause in the system's words: an OSError's text, else the last part of a library's
    ``Context: detail: cause`` message (which names only the hidden staged file)."""
    os_error = in_chain(exc, OSError)
    if isinstance(os_error, OSError) and os_error.errno:
        return os.strerror(os_error.errno)  # Arrow wraps it: "Error writing bytes to file. Detail: [errno 27] …"
    if isinstance(os_error, OSError) and os_error.strerror:
        return os_error.strerror
    return str(exc).rsplit(": ", 1)[-1].strip() or type(exc).__name__


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]


class Staged:
    """The export is written beside ``out`` under a hidden name and renamed onto ``out`` only
    when it succeeded with at least one report, so a failed or empty run never touches an
    earlier export (nor leaves a half-written one under the real name). The hidden name holds
    this host and process, so a later run removes what a killed run left and nothing a running
    export still writes."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self.cleaned = remove_dead_partials(out.parent)
        tag = f"{_host_tag()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = out.with_name(f".{out.stem}.partial-{tag}{out.suffix}")  # the suffix some writers check

    def commit(self) -> None:
        if self.out.is_dir() and not any(self.out.iterdir()):
            self.out.rmdir()  # an empty folder given for a partitioned dataset
        os.replace(self.path, self.out)

    def discard(self) -> None:
        _remove(self.path)


def remove_dead_partials(folder: Path) -> list[Path]:
    """Staged exports in ``folder`` whose process is gone (killed), removed; returns them."""
    host, removed = _host_tag(), []
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(".")]
    except OSError:
        return removed
    for path in entries:
        owner = PARTIAL_NAME.match(path.name)
        if owner and owner["host"] == host and not _alive(int(owner["pid"])) and _remove(path):
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _remove(path: Path) -> bool:
    """Remove a staged file or folder and DuckDB's write-ahead log beside it; False if it could not be."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    except OSError:
        return False
    return True
