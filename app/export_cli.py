"""`kemu export` and `kemu triage` (being built; see issue 7)."""

from __future__ import annotations

COMMANDS: tuple[str, ...] = ()


def add_commands(sub) -> None:
    """Register the export/triage subcommands on the CLI's subparsers."""


def run(args) -> int:
    raise NotImplementedError(args.command)
