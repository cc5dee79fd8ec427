"""The house shows its pipeline (docs/architecture.md): no import cycle, nothing imports from a later stage."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.import_graph import problems


def test_no_cycle_no_upward_import_every_module_in_a_stage():
    loops, upward, unstaged = problems(ROOT)
    assert not loops, loops
    assert not upward, upward
    assert not unstaged, unstaged
