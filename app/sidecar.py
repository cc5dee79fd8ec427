"""Sidecar files: the reviewer's irreplaceable work, next to the source.

``<source>.kemu.toml`` (default) or ``<source>.kemu.json`` hold the same content: schema
version, the source's sha256/size/path, the extractor version, and every review operation
anchored to stable identities with the original raw value. Durability:

- every operation is first appended to ``<sidecar>.journal`` (one JSON line, fsync), so a
  killed process loses at most the operation in flight;
- compaction rewrites the sidecar atomically (temp file, fsync, rename, fsync the folder)
  and then empties the journal;
- a corrupt sidecar or one from a newer schema is never overwritten: loading raises
  ``SidecarError`` and leaves the file as it is;
- two writers are detected, not last-writer-wins: each write checks, under an exclusive
  lock, that the files still hold what this writer last read (``SidecarChanged``); a script
  holds the lock for its whole command instead, waiting a few seconds for another writer;
- housekeeping: reading never writes (no lock file, no sidecar for a report nobody
  reviewed); a clean close leaves only the sidecar, created with the user's umask so
  colleagues can read a review; a folder that cannot be written is a ``SidecarError``
  sentence, never a PermissionError.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import tempfile
import time
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from app.errors import SidecarError

SCHEMA_VERSION = 1
FORMATS = ("toml", "json")
LOCK_WAIT_SECONDS = 30.0  # how long a write waits for another kemu writing the same sidecar


class SidecarChanged(SidecarError):
    """Another kemu wrote the sidecar since this session read it; reload, then do it again."""


@dataclass
class SidecarState:
    """What a sidecar holds: the source it belongs to, applied operations, the redo stack."""

    source: dict[str, Any] = field(default_factory=dict)
    operations: list[dict[str, Any]] = field(default_factory=list)
    redo: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "source": self.source, "operation": self.operations, "redo": self.redo}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: Path) -> "SidecarState":
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise SidecarError(f"{where}: no schema_version; not a kemu sidecar (left untouched)")
        if version > SCHEMA_VERSION:
            raise SidecarError(f"{where}: written by a newer kemu (schema {version} > {SCHEMA_VERSION}); upgrade kemu (file left untouched)")
        parts = {"source": data.get("source", {}), "operation": data.get("operation", []), "redo": data.get("redo", [])}
        if not isinstance(parts["source"], dict) or not all(isinstance(parts[k], list) for k in ("operation", "redo")):
            raise SidecarError(f"{where}: the sidecar is corrupt (source, operation or redo has the wrong shape); it was left untouched")
        return cls(dict(parts["source"]), list(parts["operation"]), list(parts["redo"]))


def dumps(state: SidecarState, fmt: str) -> str:
    """TOML for people (stable order, one table per operation) or JSON; the same content."""
    data = state.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    header = "# kemu review sidecar: corrections and confirmations for the source file beside it.\n"
    return header + tomli_w.dumps(data)


def loads(text: str, fmt: str, where: Path) -> SidecarState:
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SidecarError(f"{where}: the sidecar is corrupt ({exc}); it was left untouched — fix or move it aside") from exc
    if not isinstance(data, dict):
        raise SidecarError(f"{where}: the sidecar is corrupt (not a table); it was left untouched")
    return SidecarState.from_dict(data, where)


def sidecar_path(source: Path, fmt: str | None = None) -> Path:
    """The sidecar of ``source``: an existing one wins, else ``.kemu.toml`` (or ``fmt``)."""
    if fmt is None:
        for candidate in FORMATS:
            path = source.with_name(source.name + f".kemu.{candidate}")
            if path.exists():
                return path
        fmt = "toml"
    return source.with_name(source.name + f".kemu.{fmt}")


class SidecarStore:
    """Reads and writes one source's sidecar and journal, detecting other writers."""

    def __init__(self, source: Path, fmt: str | None = None) -> None:
        self.path = sidecar_path(source, fmt)
        self.fmt = self.path.suffix.lstrip(".")
        self.journal = self.path.with_name(self.path.name + ".journal")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._seen: str | None = None
        self._lock_depth = 0
        self._lock_handle = None

    def load(self) -> tuple[SidecarState, list[dict[str, Any]]]:
        """The compacted state and the journal events written after it (reads only). While a
        writer holds the lock, wait for it, so a compaction is never seen half done (the new
        sidecar beside the old journal); a reader never creates the lock file."""
        if self._lock_depth:
            return self._read()
        try:
            handle = self.lock_path.open("r")
        except OSError:
            return self._read()  # no writer now (or a folder that cannot be written: no writer ever)
        with handle:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SidecarError(f"{self.path}: another kemu has been writing it for {LOCK_WAIT_SECONDS:g} s; try again") from None
                    time.sleep(0.05)
            try:
                return self._read()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self) -> tuple[SidecarState, list[dict[str, Any]]]:
        try:
            state = loads(self.path.read_text(encoding="utf-8"), self.fmt, self.path) if self.path.exists() else SidecarState()
            events = self._journal_events()
        except (OSError, UnicodeDecodeError) as exc:
            raise SidecarError(f"{self.path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); it was left untouched") from exc
        self._seen = self._digest()
        return state, events

    @property
    def writable(self) -> bool:
        """Whether decisions can be recorded here (the folder, and the files if they exist)."""
        return os.access(self.path.parent, os.W_OK) and all(os.access(p, os.W_OK) for p in (self.path, self.journal) if p.exists())

    @property
    def pending(self) -> bool:
        """Journal events not yet compacted into the sidecar."""
        return self.journal.exists() and self.journal.stat().st_size > 0

    def append(self, event: dict[str, Any]) -> None:
        """Record one event durably before it counts."""
        with self.locked():
            line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
            with _writing(self.journal):
                with self.journal.open("a", encoding="utf-8") as handle:
                    handle.write(line)
                    handle.flush()
                    os.fsync(handle.fileno())
            self._seen = self._digest()

    def compact(self, state: SidecarState) -> None:
        """Write the whole state atomically, then remove the journal."""
        with self.locked():
            with _writing(self.path):
                _atomic_write(self.path, dumps(state, self.fmt))
                self.journal.unlink(missing_ok=True)
            self._seen = self._digest()

    def _journal_events(self) -> list[dict[str, Any]]:
        if not self.journal.exists():
            return []
        lines = self.journal.read_text(encoding="utf-8").splitlines()
        events = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = None
            if not isinstance(event, dict):
                if number == len(lines):
                    break  # the operation in flight when the process died
                raise SidecarError(f"{self.journal}: line {number} is corrupt; the journal was left untouched — fix or move it aside")
            events.append(event)
        return events

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for path in (self.path, self.journal):
            try:
                digest.update(path.read_bytes())
            except FileNotFoundError:
                digest.update(b"\0")
        return digest.hexdigest()

    @contextmanager
    def locked(self, wait: float = LOCK_WAIT_SECONDS, check: bool = True):
        """Hold the exclusive lock (re-entrant), waiting up to ``wait`` seconds for another writer.

        With ``check`` the files must still hold what this store last read, else
        ``SidecarChanged``. The lock file is removed when the outermost hold ends.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self._lock_handle = self._acquire(wait)
        self._lock_depth = 1
        try:
            if check and self._seen is not None and self._digest() != self._seen:
                raise SidecarChanged(
                    f"{self.path}: changed by another kemu since this session read it; reload the sidecar and try again (nothing was overwritten)"
                )
            yield
        finally:
            self._lock_depth = 0
            handle, self._lock_handle = self._lock_handle, None
            self.lock_path.unlink(missing_ok=True)  # still held: a waiter sees the inode go and retries
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def _acquire(self, wait: float):
        deadline = time.monotonic() + wait
        while True:
            with _writing(self.lock_path):
                handle = self.lock_path.open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                if time.monotonic() > deadline:
                    raise SidecarError(f"{self.path}: another kemu has been writing it for {wait:g} s; try again (nothing was changed)") from None
                time.sleep(0.05)
                continue
            try:
                current = os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                current = None
            if current == os.fstat(handle.fileno()).st_ino:
                return handle
            fcntl.flock(handle, fcntl.LOCK_UN)  # the holder before us removed this lock file
            handle.close()


@contextmanager
def _writing(path: Path):
    """A write beside the report that the folder or the file refuses becomes one sentence."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, PermissionError) or exc.errno == errno.EROFS:
            raise SidecarError(f"{path.parent}: the folder is read-only, so review decisions cannot be recorded there (nothing was changed)") from exc
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise SidecarError(f"{path}: cannot be written ({exc.strerror}); nothing was changed") from exc
        raise


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())  # mkstemp makes 0600
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
