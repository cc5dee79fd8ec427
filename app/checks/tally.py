"""What the rules compared: per family, how many figures and how many agreed.

Rules yield findings only where figures disagree; a report without findings may have been
checked through or not at all. Each comparison a rule makes is recorded here (``record``), and
``check_report`` collects the counts of one run (``counting``) into ``CheckResult.checked``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.checks.findings import Tally

#: The families reported, in output order, and the rule ids (or their prefixes) each counts.
FAMILIES = {
    "sums": ("hierarchy.sum", "totals.sum"),
    "identities": ("columns.identity", "totals.balance"),
    "cross_table": ("cross_table.",),
    "narrative": ("narrative.",),
}

_CURRENT: ContextVar[dict[str, Tally] | None] = ContextVar("kemu_check_tally", default=None)


def family(rule_id: str) -> str | None:
    return next((name for name, ids in FAMILIES.items() if any(rule_id.startswith(i) for i in ids)), None)


def record(rule_id: str, agreed: bool) -> None:
    """Count one comparison of ``rule_id`` (agreed: equal, or within rounding)."""
    counts, name = _CURRENT.get(), family(rule_id)
    if counts is None or name is None:
        return
    old = counts[name]
    counts[name] = Tally(old.compared + 1, old.agreed + int(agreed))


@contextmanager
def counting() -> Iterator[dict[str, Tally]]:
    """The counts of the comparisons made inside the block, every family present."""
    counts = {name: Tally() for name in FAMILIES}
    token = _CURRENT.set(counts)
    try:
        yield counts
    finally:
        _CURRENT.reset(token)
