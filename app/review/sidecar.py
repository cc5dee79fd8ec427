"""Sidecar files: the reviewer's irreplaceable work, next to the source.

``<source>.kemu.toml`` (default) or ``<source>.kemu.json`` hold the same content: schema
version, the source's sha256/size/path, the extractor version, and every review operation
anchored to stable identities with the original raw value. Durability:

- every operation is first appended to ``<sidecar>.journal`` (one JSON line, fsync), so a
  killed process loses at most the operation in flight; an append the disk refuses is cut
  back, so it is recorded whole or not at all;
- compaction rewrites the sidecar atomically (temp file, fsync, rename, fsync the folder)
  and then removes the journal, naming in the sidecar the journal it took in, so a journal
  left by a kill in between is not applied twice; a compaction the disk refuses leaves the
  journal, where every decision stays recorded (``CompactionFailed``);
- a corrupt sidecar or one from a newer schema is never overwritten: loading raises
  ``SidecarError`` and leaves the file as it is;
- two writers are detected, not last-writer-wins: each write checks, under an exclusive
  lock, that the files still hold what this writer last read (``SidecarChanged``); a script
  holds the lock for its whole command instead, waiting a few seconds for another writer;
- housekeeping: reading never writes (no lock file, no sidecar for a report nobody
  reviewed); a clean close leaves only the sidecar, created with the user's umask so
  colleagues can read a review; a compaction removes temp files of killed ones; a folder
  that cannot be written is a ``SidecarError`` sentence, never a PermissionError;
- names fit the file-name limit (``sidecar_name``), and two sidecars of one report are
  refused rather than one silently ignored.
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
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from app.errors import SidecarError

SCHEMA_VERSION = 1
FORMATS = ("toml", "json")
LOCK_WAIT_SECONDS = 30.0  # how long a write waits for another kemu writing the same sidecar
NAME_MAX = 255  # bytes in a file name (Linux, macOS and Windows file systems alike)
TEMP_AFFIX = (".", ".tmp")  # a compaction's temp file: .<sidecar>.<8 random characters>.tmp
TEMP_RANDOM = 8  # the characters tempfile.mkstemp puts between prefix and suffix
COMPANION_BYTES = len(TEMP_AFFIX[0]) + len(".") + TEMP_RANDOM + len(TEMP_AFFIX[1])  # the longest name beside a sidecar: its temp file
SHORT_NAME_HEAD = 120  # bytes of a long source name kept in its sidecar's name
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # no space, a quota, a file-size limit: one answer
DISK_FULL_REASON = "the disk is full, or a quota or file-size limit is reached"


class SidecarChanged(SidecarError):
    """Another kemu wrote the sidecar since this session read it; reload, then do it again."""


class CompactionFailed(SidecarError):
    """The sidecar could not be rewritten, but every decision is in the journal: nothing is lost."""


@dataclass
class SidecarState:
    """What a sidecar holds: the source it belongs to, applied operations, the redo stack."""

    source: dict[str, Any] = field(default_factory=dict)
    operations: list[dict[str, Any]] = field(default_factory=list)
    redo: list[dict[str, Any]] = field(default_factory=list)
    absorbed: dict[str, Any] = field(default_factory=dict)  # the journal (id, size) this compaction took in
    extra: dict[str, Any] = field(default_factory=dict)  # top-level keys a person added, kept as written

    def to_dict(self) -> dict[str, Any]:
        data = {"schema_version": SCHEMA_VERSION, "source": self.source, "operation": self.operations, "redo": self.redo}
        return {**data, **({"absorbed_journal": self.absorbed} if self.absorbed else {}), **self.extra}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: Path) -> "SidecarState":
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise SidecarError(f"{where}: no schema_version; not a kemu sidecar (left untouched)")
        if version > SCHEMA_VERSION:
            raise SidecarError(f"{where}: written by a newer kemu (schema {version} > {SCHEMA_VERSION}); upgrade kemu (file left untouched)")
        parts = {"source": data.get("source", {}), "operation": data.get("operation", []), "redo": data.get("redo", []), "absorbed_journal": data.get("absorbed_journal", {})}
        shapes = {"source": dict, "operation": list, "redo": list, "absorbed_journal": dict}
        wrong = [key for key, kind in shapes.items() if not isinstance(parts[key], kind)]
        if wrong:
            raise SidecarError(f"{where}: the sidecar is corrupt ({wrong[0]} has the wrong shape); it was left untouched")
        extra = {k: v for k, v in data.items() if k not in shapes and k != "schema_version"}
        return cls(dict(parts["source"]), list(parts["operation"]), list(parts["redo"]), dict(parts["absorbed_journal"]), extra)


def dumps(state: SidecarState, fmt: str) -> str:
    """TOML for people (stable order, one table per operation) or JSON; the same content."""
    data = state.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"  # a TOML date a person added
    header = "# kemu review sidecar: corrections and confirmations for the source file beside it.\n"
    return header + tomli_w.dumps(data)


def loads(text: str, fmt: str, where: Path) -> SidecarState:
    text = text.removeprefix("\ufeff")  # Notepad saves UTF-8 with a byte-order mark
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SidecarError(f"{where}: the sidecar is corrupt ({exc}); it was left untouched — fix or move it aside") from exc
    if not isinstance(data, dict):
        raise SidecarError(f"{where}: the sidecar is corrupt (not a table); it was left untouched")
    return SidecarState.from_dict(data, where)


def sidecar_name(source_name: str, fmt: str) -> str:
    """``<source>.kemu.<fmt>``, unless that name with its companions (journal, lock, temp
    file) would pass the file-name limit: then the source name's first bytes, ``~`` and a hash
    of the whole name, so reader and writer both find the one sidecar of a long-named report."""
    natural = f"{source_name}.kemu.{fmt}"
    if len(os.fsencode(natural)) + COMPANION_BYTES <= NAME_MAX:
        return natural
    whole = os.fsencode(source_name)
    head = whole[:SHORT_NAME_HEAD].decode("utf-8", "ignore")  # whole characters only
    return f"{head}~{hashlib.sha256(whole).hexdigest()[:16]}.kemu.{fmt}"


def sidecar_path(source: Path, fmt: str | None = None) -> Path:
    """The sidecar of ``source``: the existing one (its file or its journal), else a new one in
    ``fmt`` (TOML by default). Two existing sidecars are refused: kemu would read one and ignore
    the other's decisions."""
    paths = {candidate: source.with_name(sidecar_name(source.name, candidate)) for candidate in FORMATS}
    existing = [path for path in paths.values() if _present(path) or _present(_journal_of(path))]
    if len(existing) > 1:
        raise SidecarError(
            f"{existing[0]} and {existing[1]} are both review sidecars of {source.name}; keep the one that holds the review "
            "and move the other aside (both were left untouched)"
        )
    return existing[0] if existing else paths[fmt or "toml"]


def _journal_of(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _present(path: Path) -> bool:
    """Whether ``path`` exists; a name the file system cannot hold is a file that is not there."""
    try:
        return path.exists()
    except OSError:
        return False


class SidecarStore:
    """Reads and writes one source's sidecar and journal, detecting other writers."""

    def __init__(self, source: Path, fmt: str | None = None) -> None:
        self.path = sidecar_path(source, fmt)
        self.fmt = self.path.suffix.lstrip(".")
        self.journal = _journal_of(self.path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._seen: str | None = None
        self._lock_depth = 0
        self._lock_handle = None

    def load(self) -> tuple[SidecarState, list[tuple[int, dict[str, Any]]]]:
        """The compacted state and the journal events written after it, with their line numbers (reads only). While a
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

    def _read(self) -> tuple[SidecarState, list[tuple[int, dict[str, Any]]]]:
        try:
            text = _text_or_none(self.path)
            state = SidecarState() if text is None else loads(text, self.fmt, self.path)
            events = self._journal_events(state.absorbed)
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
        """Record one event durably before it counts. A write that fails (a full disk, a quota, a
        file-size limit) is taken back to the last whole line, so it is not recorded at all."""
        with self.locked():
            line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
            with _writing(self.journal):
                fd = os.open(self.journal, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
                try:
                    start = _drop_torn_tail(fd)
                    if not start:  # a new journal starts with its own id (see ``compact``)
                        line = json.dumps({"journal": uuid.uuid4().hex}) + "\n" + line
                    try:
                        _write_all(fd, line.encode("utf-8"))
                        os.fsync(fd)
                    except OSError:
                        os.ftruncate(fd, start)
                        raise
                finally:
                    os.close(fd)
                    if not self.pending:
                        self.journal.unlink(missing_ok=True)
            self._seen = self._digest()

    def compact(self, state: SidecarState) -> None:
        """Write the whole state atomically, then remove the journal. The sidecar names the
        journal it took in (its id and length), so if kemu dies before removing the journal,
        the next read does not apply those events twice. A write that fails leaves sidecar and
        journal as they were: every decision is still recorded (``CompactionFailed``)."""
        with self.locked():
            _remove_dead_temp_files(self.path)
            state = replace(state, absorbed=self._journal_mark())
            try:
                with _writing(self.path):
                    _atomic_write(self.path, dumps(state, self.fmt))
            except SidecarError as exc:
                if not (self.pending and isinstance(exc.__cause__, OSError) and exc.__cause__.errno in DISK_FULL):
                    raise
                raise CompactionFailed(
                    f"{self.path}: not rewritten ({DISK_FULL_REASON}), but every decision is recorded in its journal "
                    f"{self.journal.name}, which the next save takes in — do not repeat it"
                ) from exc
            self.journal.unlink(missing_ok=True)
            self._seen = self._digest()

    def _journal_mark(self) -> dict[str, Any]:
        """The journal's id and length now (empty when there is no journal)."""
        try:
            with self.journal.open("rb") as handle:
                header = _journal_id(handle.readline())
                size = os.fstat(handle.fileno()).st_size
        except FileNotFoundError:
            return {}
        return {"id": header, "size": size} if header else {}

    def _journal_events(self, absorbed: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        """(line number, event) after the part of the journal the sidecar already took in."""
        data = _bytes_or_none(self.journal)
        if data is None:
            return []
        lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
        if not lines[-1]:
            lines.pop()
        taken = absorbed.get("size", 0) if absorbed.get("id") and _journal_id(lines[0] if lines else b"") == absorbed["id"] else 0
        events, offset = [], 0
        for number, line in enumerate(lines, start=1):
            offset += len(line) + 1
            if not line.strip() or offset <= taken or (number == 1 and _journal_id(line)):
                continue  # a blank line, the journal's id, or an event the sidecar already holds
            event = _json_line(line)
            if event is None:
                if number == len(lines):
                    break  # the operation in flight when the process died
                raise SidecarError(f"{self.journal}: line {number} is corrupt; the journal was left untouched — fix or move it aside")
            events.append((number, event))
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
        if exc.errno in DISK_FULL:
            raise SidecarError(f"{path}: cannot be written ({DISK_FULL_REASON}); nothing was changed") from exc
        raise


def _text_or_none(path: Path) -> str | None:
    """The file's text (a UTF-8 byte-order mark dropped), None when there is no such file."""
    data = _bytes_or_none(path)
    return None if data is None else data.decode("utf-8-sig")


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _json_line(line: bytes) -> dict[str, Any] | None:
    """A journal line as an event, None when it is not one (torn, damaged, not an object)."""
    try:
        event = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return event if isinstance(event, dict) else None


def _journal_id(line: bytes) -> str | None:
    """The id a journal's first line gives it (``{"journal": "<hex>"}``), else None."""
    event = _json_line(line)
    return event.get("journal") if event and isinstance(event.get("journal"), str) and len(event) == 1 else None


def _drop_torn_tail(fd: int) -> int:
    """Make a journal end with a whole line before appending; its length then. A last line a
    killed process left unfinished is cut off (readers ignore it too); a whole event that only
    lacks its line break (which readers count) gets it. Only a writer holding the lock calls
    this, so the unfinished line is a dead writer's."""
    size = os.fstat(fd).st_size
    if not size or os.pread(fd, 1, size - 1) == b"\n":
        return size
    whole = os.pread(fd, size, 0)
    keep = whole.rfind(b"\n") + 1
    if _json_line(whole[keep:]) is not None:
        _write_all(fd, b"\n")
        return size + 1
    os.ftruncate(fd, keep)
    return keep


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[os.write(fd, data):]


def _remove_dead_temp_files(path: Path) -> None:
    """Temp files of compactions that were killed. Every compaction holds the exclusive lock,
    so while this writer holds it no temp file of ``path`` belongs to a live writer."""
    prefix, suffix = TEMP_AFFIX[0] + path.name + ".", TEMP_AFFIX[1]
    with os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(suffix) and len(entry.name) == len(prefix) + TEMP_RANDOM + len(suffix):
                Path(entry.path).unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_AFFIX[0] + path.name + ".", suffix=TEMP_AFFIX[1])
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
