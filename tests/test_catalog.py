"""The catalog covers every code–name pair the sample reports print; user files override it."""

from __future__ import annotations

import pytest

from app.matching.catalog import load_catalog
from app.matching.matcher import match_report, normalize_name
from parsers.report import read_report
from tests.conftest import GENERATED, SEEDS

SOURCES = sorted(SEEDS.glob("*.txt")) + sorted(GENERATED.glob("*.pdf"))
PLAUSIBLE = ("1", "2", "3", "5")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_printed_code_name_pair_is_in_the_catalog_or_a_known_misprint(catalog, source):
    report = read_report(source)
    edition = catalog.edition(report.year)
    misprints = {(m.code, m.printed_name) for m in catalog.misprints}
    missing = []
    for table in report.tables:
        for row in table.rows:
            if not row.code or len(row.code) not in (3, 5, 7) or not row.code.startswith(PLAUSIBLE) or not row.name:
                continue
            entry = edition.by_code.get(row.code)
            names = {normalize_name(n) for n in edition.all_names(entry)} if entry else set()
            if normalize_name(row.name) not in names and (row.code, row.name) not in misprints:
                missing.append((row.code, row.name))
    assert not missing, missing


def test_seed_misprints_are_recognised(catalog):
    report = match_report(read_report(next(SEEDS.glob("003_*.txt"))), catalog)
    flagged = {r.code: r.match for t in report.tables for r in t.rows if r.match and "misprint" in r.match.reason}
    assert {"30208", "30238"} <= set(flagged)
    assert flagged["30208"].candidates[0].code == "30209"


def test_editions_know_renames(catalog):
    assert catalog.edition(2018).by_code["210"].name == "医疗卫生与计划生育支出"
    assert catalog.edition(2024).by_code["210"].name == "卫生健康支出"
    assert "21015" not in catalog.edition(2018).by_code and "2101550" in catalog.edition(2024).by_code


def test_levels_and_parents_are_consistent(catalog):
    edition = catalog.edition(2024)
    for entry in edition.entries:
        expected = {3: "类", 5: "款", 7: "项"}[len(entry.code)]
        assert entry.level == expected, entry
        if entry.parent:
            assert entry.code.startswith(entry.parent) and entry.parent in edition.by_code, entry


def test_user_toml_adds_and_overrides(tmp_path):
    user = tmp_path / "catalog.toml"
    user.write_text(
        '[[entry]]\ncode = "2130153"\nname = "农田建设"\nlevel = "项"\nparent = "21301"\naliases = ["农田建设支出"]\n\n'
        '[[entry]]\ncode = "30239"\nname = "其他交通费用"\nlevel = "款"\nparent = "302"\naliases = ["其他交通费"]\n\n'
        '[[entry]]\ncode = "30238"\nname = "本地交通补贴"\nlevel = "款"\nparent = "302"\n',
        encoding="utf-8",
    )
    catalog = load_catalog(user_file=user)
    edition = catalog.edition(2024)
    assert edition.by_code["2130153"].name == "农田建设"
    assert "其他交通费" in edition.all_names(edition.by_code["30239"])
    assert edition.by_code["30238"].name == "本地交通补贴"
    assert not any(m.code == "30238" for m in catalog.misprints)
