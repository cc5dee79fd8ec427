"""What a check says: findings, where they point, what was compared, and the rule registry.

The rule modules import these from here, not from the package, so the package (which runs the
rules) and its rules do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from parsers.model import Report

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Location:
    """A place a finding points at: always a page; table, row and column where they apply."""

    page: int
    table: str | None = None
    row: str | None = None
    column: str | None = None
    line: int | None = None  # for findings in the running text
    source: str | None = None  # the report file, for findings across reports (app/checks/across.py)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    locations: tuple[Location, ...]
    rounding: Decimal | None = None  # the difference, when it is within rounding (尾数误差)
    difference: Decimal | None = None  # printed total − the sum it should be, for sums and comparisons
    echoes: tuple[Finding, ...] = ()  # findings that follow from the same fault (app/checks/echoes.py)


@dataclass(frozen=True)
class Tally:
    """How many figures one family of rules compared, and how many agreed (within rounding)."""

    compared: int = 0
    agreed: int = 0


@dataclass(frozen=True)
class CheckResult:
    """The findings (one per fault, echoes under it) and what was compared to reach them, so
    that silence on a report can be told from a report that could not be checked."""

    findings: list[Finding]
    checked: dict[str, Tally]


Rule = Callable[[Report], Iterable[Finding]]
_RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule family function under ``name`` (its findings use ``name.*`` ids)."""

    def register(fn: Rule) -> Rule:
        _RULES[name] = fn
        return fn

    return register
