"""Matching speed: 10,000 line items against the full catalog.

Items are drawn (seeded) from the 2024 catalog: a third as printed with codes, a third
without codes in hierarchical order (类 → 款 → 项), a third without codes and with names
perturbed (wrap spaces, OCR confusions) so the fuzzy batch path does real work. Items are
grouped into tables of 50 rows. Prints items/s for the whole run, best of N.
Run: python benchmarks/match_speed.py [-n 3] [--items 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.matching.catalog import default_catalog  # noqa: E402
from app.evaluate import _perturb  # noqa: E402
from app.matching.matcher import Matcher  # noqa: E402
from parsers.model import Cell, Provenance, Row, Table  # noqa: E402


def make_tables(items: int, seed: int = 7) -> list[Table]:
    rng = random.Random(seed)
    edition = default_catalog().edition(2024)
    functional = sorted((e for e in edition.entries if e.family == "functional"), key=lambda e: e.code)
    prov = Provenance(1, 1)
    cell = {"total": Cell("1.00", Decimal("1.00"), prov)}
    tables, rows = [], []
    for i in range(items):
        entry = functional[rng.randrange(len(functional))] if i % 50 else functional[0]
        mode = i % 3
        name = _perturb(entry.name, rng) if mode == 2 else entry.name
        rows.append(Row(f"t/{i}", entry.code if mode == 0 else None, name, cell, prov))
        if len(rows) == 50:
            tables.append(Table(f"final_expense#{len(tables)}", "final_expense", "支出决算表", "万元", (1,), (), tuple(sorted(rows, key=lambda r: r.id))))
            rows = []
    return tables


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    tables = make_tables(args.items)
    edition = default_catalog().edition(2024)
    best = float("inf")
    for _ in range(args.n):
        matcher = Matcher(edition)  # fresh memo each run: no help from earlier runs
        start = time.perf_counter()
        for table in tables:
            matcher.match_table(table)
        best = min(best, time.perf_counter() - start)
    setup = time.perf_counter()
    Matcher(edition)
    setup = time.perf_counter() - setup
    print(f"{args.items} items in {best:.3f} s ({args.items / best:,.0f} items/s); matcher set-up {setup * 1000:.0f} ms, catalog {len(edition.entries)} entries")


if __name__ == "__main__":
    main()
