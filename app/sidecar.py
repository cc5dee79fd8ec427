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
  lock, that the files still hold what this writer last read.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

SCHEMA_VERSION = 1
FORMATS = ("toml", "json")


class SidecarError(Exception):
    """The sidecar cannot be used as it is; the message says why and what to do."""


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
        return cls(dict(data.get("source", {})), list(data.get("operation", [])), list(data.get("redo", [])))


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

    def load(self) -> tuple[SidecarState, list[dict[str, Any]]]:
        """The compacted state and the journal events written after it."""
        state = loads(self.path.read_text(encoding="utf-8"), self.fmt, self.path) if self.path.exists() else SidecarState()
        events = self._journal_events()
        self._seen = self._digest()
        return state, events

    def append(self, event: dict[str, Any]) -> None:
        """Record one event durably before it counts."""
        with self._exclusive():
            line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
            with self.journal.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            self._seen = self._digest()

    def compact(self, state: SidecarState) -> None:
        """Write the whole state atomically, then empty the journal."""
        with self._exclusive():
            _atomic_write(self.path, dumps(state, self.fmt))
            if self.journal.exists():
                _atomic_write(self.journal, "")
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
                events.append(json.loads(line))
            except json.JSONDecodeError:
                if number == len(lines):
                    break  # the operation in flight when the process died
                raise SidecarError(f"{self.journal}: line {number} is corrupt; the journal was left untouched")
        return events

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for path in (self.path, self.journal):
            digest.update(path.read_bytes() if path.exists() else b"\0")
        return digest.hexdigest()

    @contextmanager
    def _exclusive(self):
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if self._seen is not None and self._digest() != self._seen:
                    raise SidecarError(
                        f"{self.path}: changed by another kemu since this session read it; reopen the report to continue (nothing was overwritten)"
                    )
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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
