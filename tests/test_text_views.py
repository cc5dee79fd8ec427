"""`--format text` speaks one language (Chinese, like the findings and the report): match
reasons and decisions translated, check rule ids named by their family, ids left to JSON."""

from __future__ import annotations

import re

from app.checks import Finding, Location
from app.cli import main
from app.matching.matcher import REASONS
from app.text_views import render_findings
from tests.conftest import GENERATED, seed

INJECTED = GENERATED / "injected" / "gen_final_ruled__wrong_sum.pdf"
ENGLISH = {w for english, _ in REASONS.values() for w in re.findall(r"[A-Za-z]{4,}", english)} | {"decision", "score", "reason", "name", "code"}


def _english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{4,}", text)) & ENGLISH


def test_match_text_gives_reasons_and_decisions_in_chinese(capsys):
    for path in (INJECTED, seed("003")):
        assert main(["match", str(path), "--format", "text"]) == 0
        out = capsys.readouterr().out
        body = "\n".join(l for l in out.splitlines()[1:] if not l.startswith("== "))  # past the file name and table ids (kemu edit --table takes them)
        assert not _english_words(body), _english_words(body)
        assert "理由" in out and ("自动" in out or "待审" in out)


def test_check_text_names_the_kind_of_check_not_its_rule_id(capsys):
    main(["check", str(INJECTED), "--format", "text"])
    out = capsys.readouterr().out
    assert "层级汇总:" in out and "hierarchy.sum" not in out and "completeness" not in out


def test_a_finding_over_many_pages_keeps_the_page_column_narrow():
    from app.review.session import ReviewSession

    report = ReviewSession(INJECTED).reviewed
    wide = Finding("completeness.explained", "info", "空表未见解释", tuple(Location(page) for page in range(3, 60)))
    narrow = Finding("hierarchy.sum", "error", "合计不符", (Location(7), Location(9)))
    lines = render_findings(report, [narrow, wide]).splitlines()[1:]
    assert lines[0].startswith("  [错误]  p.7,9") and "p.3 等 57 页" in lines[1]
    assert max(len(line) for line in lines) < 60
