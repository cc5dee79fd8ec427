"""Reviewed reports → one tidy long table ("facts") in Parquet, CSV, JSON lines, XLSX or DuckDB.

Why long: one row per (report, table, row, column) fits every table kind in one schema, so
collections of thousands of reports can be queried together. The schema is a public
contract (docs/export.md, ``FACTS_VERSION``). The REVIEWED view is exported, so reviewers'
edits and confirmations reach the data; ``Decimal`` becomes ``float`` only here.

Memory: reports arrive one at a time from ``app.export.batch.run`` and every sink except xlsx
writes them out in bounded batches, so memory does not grow with the number of reports.
"""

from __future__ import annotations

import gc
import io
import json
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from app.wording import reading_reasons_text
from app.export.batch import Failure, discover, run, say
from app.export.formats import FORMATS, PARTITION_COLUMNS, SUFFIX_FORMATS  # noqa: F401 (re-exported)
from app.matching.catalog import Edition, current_catalog
from app.export.outputs import Staged, check_output, writing
from app.checks import Finding, run_checks
from app.checks.identity import identity
from parsers.model import Cell, Report, Row, Table
from app.review.session import ReviewSession
from app.export.triage import review_need
from parsers.amounts import YUAN_PER_UNIT

FACTS_VERSION = "1.3"
FACTS_SCHEMA = pa.schema(
    [
        ("department", pa.string()),
        ("department_key", pa.string()),
        ("year", pa.int32()),
        ("report_kind", pa.string()),
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("table_kind", pa.string()),
        ("code", pa.string()),
        ("name", pa.string()),
        ("level", pa.string()),
        ("path", pa.string()),
        ("subject_edition", pa.string()),
        ("current_code", pa.string()),
        ("column", pa.string()),
        ("column_label", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("value_yuan", pa.float64()),
        ("status", pa.string()),
        ("page", pa.int32()),
        ("table_id", pa.string()),
        ("row_id", pa.string()),
        ("table_reading", pa.string()),
    ],
    metadata={"schema": "kemu.facts", "schema_version": FACTS_VERSION},
)
FINDING_FIELDS = ("source", "rule", "severity", "message", "page", "table", "row", "column")
UNIT_YUAN = YUAN_PER_UNIT
BUFFER_ROWS = 50_000  # facts held before a write: one Parquet row group, a few MB
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # how Hive-style folders spell a null key


@dataclass(frozen=True)
class Options:
    """What the per-report work computes; checks and wide blocks only when a format needs them."""

    reviewed_only: bool = False
    facts: bool = True
    findings: bool = False
    wide: bool = False


@dataclass(frozen=True)
class Block:
    """One table in the familiar wide layout (编码, 名称, columns by label), for xlsx."""

    sheet: str
    title: str
    frame: pd.DataFrame
    edited: tuple[tuple[int, int], ...] = ()  # (row, column) positions in ``frame`` a reviewer edited


@dataclass
class ReportExport:
    """Everything one report contributes to an export; small enough to ship between processes."""

    summary: dict[str, Any]
    facts: pa.Table | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    skipped: bool = False  # left out by --reviewed-only: the review is not complete


def process(source: str, options: Options) -> ReportExport:
    """The per-file work, run in a worker: reviewed view, progress, checks, facts."""
    session = ReviewSession(Path(source).absolute())  # the same export from any working directory
    report = session.reviewed
    progress = session.progress()
    findings = run_checks(report)  # milliseconds; "complete" needs them
    complete = session.is_complete(findings)
    if options.reviewed_only and not complete:
        return ReportExport(_summary(report, progress, complete, findings), skipped=True)
    return ReportExport(
        summary=_summary(report, progress, complete, findings),
        facts=report_facts(report) if options.facts else None,
        findings=[_finding_row(report.source, f) for f in findings] if options.findings else [],
        blocks=wide_blocks(report) if options.wide else [],
    )


def _summary(report: Report, progress: dict[str, int], complete: bool, findings: list[Finding]) -> dict[str, Any]:
    """One row of the ``reports`` table (and of ``kemu triage``)."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning")}
    return {
        "source": report.source,
        "sha256": report.sha256,
        "department": report.department,
        "year": report.year,
        "report_kind": report.report_kind,
        "pages": len(report.pages),
        "tables": len(report.tables),
        "rows": sum(1 for t in report.tables for r in t.rows if not r.ignored),
        **{k: progress[k] for k in ("mappings", "confirmed", "auto", "needs_review", "edited_cells", "orphaned", "operations")},
        "complete": complete,
        "errors": counts["error"],
        "warnings": counts["warning"],
    }


def _finding_row(source: str, finding: Finding) -> dict[str, Any]:
    """A finding flattened to its first location; the message names any further figures."""
    first = finding.locations[0] if finding.locations else None
    return {
        "source": source,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "page": first.page if first else None,
        "table": first.table if first else None,
        "row": first.row if first else None,
        "column": first.column if first else None,
    }


def report_facts(report: Report) -> pa.Table:
    """The report's facts: one row per (table, row, column), ignored rows skipped."""
    edition = current_catalog().edition(report.year)
    cols: dict[str, list[Any]] = {name: [] for name in FACTS_SCHEMA.names}
    for table in filter(lambda t: t.is_data, report.tables):  # chart data is not a budget table
        labels = {c.key: c.label for c in table.columns}
        factor = UNIT_YUAN.get(table.unit or "")
        for row in table.rows:
            if row.ignored:
                continue
            code, level, path = _subject(row, edition)
            subject_edition, current_code = _edition_of(row, edition)
            for key, cell in row.cells.items():
                cols["table_kind"].append(table.kind)
                cols["code"].append(code)
                cols["name"].append(row.name)
                cols["level"].append(level)
                cols["path"].append(path)
                cols["subject_edition"].append(subject_edition)
                cols["current_code"].append(current_code)
                cols["column"].append(key)
                cols["column_label"].append(labels.get(key, key))
                cols["value"].append(None if cell.value is None else float(cell.value))
                cols["unit"].append(table.unit)
                cols["value_yuan"].append(None if cell.value is None or factor is None else float(cell.value * factor))
                cols["status"].append(fact_status(row, cell))
                cols["page"].append(cell.provenance.page)
                cols["table_id"].append(table.id)
                cols["row_id"].append(row.id)
                cols["table_reading"].append(table.reading)
    count = len(cols["column"])
    found = identity(report)
    constant = {"department": report.department, "department_key": found.department_key if found else None, "year": report.year, "report_kind": report.report_kind, "source": report.source, "sha256": report.sha256}
    for name, value in constant.items():
        cols[name] = [value] * count
    return pa.table(cols, schema=FACTS_SCHEMA)


def _subject(row: Row, edition: Edition) -> tuple[str | None, str | None, str | None]:
    """(code, 类/款/项, path): the matched 科目 when there is one, else the printed code alone."""
    match = row.match
    if match is None or match.kind != "subject" or not match.code:
        return row.code, None, None
    entries = edition.path(match.code)
    if not entries:
        return match.code, None, None
    return match.code, entries[-1].level, " / ".join(e.name for e in entries)


def _edition_of(row: Row, edition: Edition) -> tuple[str | None, str | None]:
    """(the editions the matched 科目 belongs to, its code in the latest edition): a 2017
    report's 30311 住房公积金 is ("–2017", "30113"), so years across the 2018 reform line up."""
    match = row.match
    entry = edition.by_code.get(match.code) if match is not None and match.kind == "subject" and match.code else None
    if entry is None:
        return None, None
    return entry.edition, edition.current_code(entry.code)


def fact_status(row: Row, cell: Cell) -> str:
    """edited (a reviewer's value) > confirmed (mapping confirmed) > auto > extracted."""
    if cell.status == "edited":
        return "edited"
    decision = row.match.decision if row.match else None
    return decision if decision in ("confirmed", "auto") else "extracted"


def wide_blocks(report: Report) -> list[Block]:
    """Each non-empty table as printed: 编码, 名称 (分组 when grouped), then its columns by label."""
    name = " ".join(str(x) for x in (report.department, report.year, report.report_kind) if x) or Path(report.source).name
    return [_block(table, name, report.source) for table in report.tables if table.is_data and any(not r.ignored for r in table.rows)]


def _block(table: Table, report_name: str, source: str) -> Block:
    rows = [r for r in table.rows if not r.ignored]
    grouped = any(r.group for r in rows)
    lead = ["编码", "名称", *(["分组"] if grouped else [])]
    keys = [c.key for c in table.columns]
    data, edited = [], []
    for i, row in enumerate(rows):
        cells = [row.cells.get(k) for k in keys]
        data.append([row.code, row.name, *([row.group] if grouped else []), *(None if c is None or c.value is None else float(c.value) for c in cells)])
        edited.extend((i, len(lead) + j) for j, c in enumerate(cells) if c is not None and c.status == "edited")
    frame = pd.DataFrame(data, columns=[*lead, *(c.label for c in table.columns)])
    title = f"{report_name} · {table.title or table.id} ({table.id}, 单位：{table.unit or '?'}) · {source}"
    if table.reading == "uncertain":
        title += " · 读数存疑：" + reading_reasons_text(table, "zh")
    return Block(table.kind, title, frame, tuple(edited))


# -- sinks ----------------------------------------------------------------------------------


class Sink(Protocol):
    def add(self, result: ReportExport) -> None: ...

    def close(self) -> None: ...


class ParquetSink:
    """One Parquet file, written in row groups of up to ``BUFFER_ROWS`` facts."""

    def __init__(self, out: Path) -> None:
        self.writer = pq.ParquetWriter(out, FACTS_SCHEMA)
        self.pending: list[pa.Table] = []
        self.rows = 0

    def add(self, result: ReportExport) -> None:
        self.pending.append(result.facts)
        self.rows += result.facts.num_rows
        if self.rows >= BUFFER_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending))
        self.pending, self.rows = [], 0

    def close(self) -> None:
        self._flush()
        self.writer.close()


class PartitionedParquetSink:
    """A Hive-style dataset folder (``year=2024/report_kind=预算/part-0.parquet``), one writer per partition."""

    def __init__(self, out: Path, by: tuple[str, ...]) -> None:
        self.out, self.by = out, by
        self.schema = pa.schema([f for f in FACTS_SCHEMA if f.name not in by], metadata=FACTS_SCHEMA.metadata)
        self.writers: dict[tuple[str, ...], pq.ParquetWriter] = {}
        self.pending: dict[tuple[str, ...], list[pa.Table]] = {}
        self.rows = 0

    def add(self, result: ReportExport) -> None:
        key = tuple(HIVE_NULL if result.summary[c] is None else str(result.summary[c]) for c in self.by)
        self.pending.setdefault(key, []).append(result.facts.drop_columns(list(self.by)))
        self.rows += result.facts.num_rows
        if self.rows >= BUFFER_ROWS:
            self._flush()

    def _flush(self) -> None:
        for key, tables in self.pending.items():
            if key not in self.writers:
                folder = self.out.joinpath(*(f"{c}={v}" for c, v in zip(self.by, key)))
                folder.mkdir(parents=True, exist_ok=True)
                self.writers[key] = pq.ParquetWriter(folder / "part-0.parquet", self.schema)
            self.writers[key].write_table(pa.concat_tables(tables))
        self.pending, self.rows = {}, 0

    def close(self) -> None:
        self._flush()
        for writer in self.writers.values():
            writer.close()


class CsvSink:
    """UTF-8 with a BOM, so Excel shows the Chinese text; appended report by report."""

    def __init__(self, out: Path) -> None:
        self.handle = out.open("wb")
        self.handle.write("\ufeff".encode())
        self.writer = pacsv.CSVWriter(self.handle, FACTS_SCHEMA)

    def add(self, result: ReportExport) -> None:
        self.writer.write_table(result.facts)

    def close(self) -> None:
        self.writer.close()
        self.handle.close()


class JsonlSink:
    """One JSON object per fact, keys in contract order, Chinese unescaped."""

    def __init__(self, out: Path) -> None:
        self.handle = out.open("w", encoding="utf-8")

    def add(self, result: ReportExport) -> None:
        for record in result.facts.to_pylist():
            self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.handle.close()


REPORTS_DDL = """CREATE TABLE reports (
    source VARCHAR, sha256 VARCHAR, department VARCHAR, year INTEGER, report_kind VARCHAR,
    pages INTEGER, tables INTEGER, rows INTEGER, mappings INTEGER, confirmed INTEGER, auto INTEGER,
    needs_review INTEGER, edited_cells INTEGER, orphaned INTEGER, operations INTEGER,
    complete BOOLEAN, errors INTEGER, warnings INTEGER)"""
FINDINGS_DDL = """CREATE TABLE findings (
    source VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR,
    page INTEGER, "table" VARCHAR, "row" VARCHAR, "column" VARCHAR)"""
VIEWS = (
    """CREATE VIEW expense_by_class AS
    SELECT source, department, year, report_kind, table_kind, "column", column_label, code, name,
           sum(value_yuan) AS value_yuan, count(*) AS facts
    FROM facts WHERE level = '类' AND code LIKE '2%' AND table_kind LIKE '%expense%'
    GROUP BY ALL ORDER BY source, table_kind, "column", code""",
    """CREATE VIEW open_errors AS
    SELECT r.department, r.year, r.report_kind, f.* FROM findings f JOIN reports r USING (source)
    WHERE f.severity = 'error' ORDER BY f.source, f.page""",
    """CREATE VIEW triage AS
    SELECT source, department, year, report_kind, errors, needs_review, warnings, confirmed, mappings, complete
    FROM reports ORDER BY errors DESC, needs_review DESC, warnings DESC, source""",
)


class DuckdbSink:
    """Tables ``reports``, ``facts``, ``findings`` and views for the usual questions."""

    def __init__(self, out: Path) -> None:
        import duckdb

        self.con = duckdb.connect(str(out))
        self.con.register("empty_facts", FACTS_SCHEMA.empty_table())
        self.con.execute("CREATE TABLE facts AS SELECT * FROM empty_facts")
        self.con.unregister("empty_facts")
        self.con.execute(f"COMMENT ON TABLE facts IS 'kemu.facts {FACTS_VERSION}'")
        self.con.execute(REPORTS_DDL)
        self.con.execute(FINDINGS_DDL)

    def add(self, result: ReportExport) -> None:
        names = ", ".join(result.summary)
        self.con.execute(f"INSERT INTO reports ({names}) VALUES ({', '.join('?' * len(result.summary))})", list(result.summary.values()))
        self.con.register("batch", result.facts)
        self.con.execute("INSERT INTO facts SELECT * FROM batch")
        self.con.unregister("batch")
        if result.findings:
            rows = [[f[k] for k in FINDING_FIELDS] for f in result.findings]
            self.con.executemany(f"INSERT INTO findings VALUES ({', '.join('?' * len(FINDING_FIELDS))})", rows)

    def close(self) -> None:
        for view in VIEWS:
            self.con.execute(view)
        self.con.close()


class XlsxSink:
    """A workbook for finance users: one sheet per table kind, wide blocks, and ``findings``.

    Built in memory (openpyxl), so it suits a report or a department's few, not thousands;
    a sheet holds at most 1,048,576 rows anyway. Cells a reviewer edited are shaded.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.sheets: dict[str, list[Block]] = {}
        self.findings: list[dict[str, Any]] = []

    def add(self, result: ReportExport) -> None:
        for block in result.blocks:
            self.sheets.setdefault(block.sheet, []).append(block)
        self.findings.extend(result.findings)

    def close(self) -> None:
        workbook = io.BytesIO()  # the zip is finished in memory: a full disk fails one plain write, not the zip writer
        failure = None
        with _quiet_sheet_writers():
            try:
                self._build(workbook)
            except OSError as exc:  # a sheet's temporary file (openpyxl writes each sheet to one)
                failure = OSError(exc.errno, exc.strerror)  # without the traceback that keeps the sheet writers alive
        if failure is not None:
            raise failure
        self.out.write_bytes(workbook.getvalue())

    def _build(self, workbook: io.BytesIO) -> None:
        from openpyxl.styles import Font, PatternFill

        shade, bold = PatternFill("solid", fgColor="FFF2CC"), Font(bold=True)
        with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
            for kind, blocks in self.sheets.items():
                name, start = kind[:31], 0
                titled = len(blocks) > 1
                for block in blocks:
                    if titled:
                        pd.DataFrame([[block.title]]).to_excel(writer, sheet_name=name, startrow=start, header=False, index=False)
                        writer.sheets[name].cell(start + 1, 1).font = bold
                        start += 1
                    block.frame.to_excel(writer, sheet_name=name, startrow=start, index=False)
                    for r, c in block.edited:
                        writer.sheets[name].cell(start + r + 2, c + 1).fill = shade
                    start += len(block.frame) + 2
            pd.DataFrame(self.findings, columns=list(FINDING_FIELDS)).to_excel(writer, sheet_name="findings", index=False)


@contextmanager
def _quiet_sheet_writers() -> Iterator[None]:
    """openpyxl leaves a sheet's writer suspended when a write fails; collected later, it fails
    again on the same disk and Python prints that as ``Exception ignored in: …`` with a
    traceback. The failure is reported once, as a sentence, so those echoes are dropped."""
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None if isinstance(unraisable.exc_value, OSError) else previous(unraisable)
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = previous


def open_sink(fmt: str, out: Path, partition_by: tuple[str, ...] = ()) -> Sink:
    if partition_by:
        return PartitionedParquetSink(out, partition_by)
    sinks = {"parquet": ParquetSink, "csv": CsvSink, "jsonl": JsonlSink, "duckdb": DuckdbSink, "xlsx": XlsxSink}
    return sinks[fmt](out)


# -- entry points ---------------------------------------------------------------------------


@dataclass
class ExportResult:
    exported: int = 0
    skipped: int = 0  # incomplete reviews left out by reviewed_only
    facts: int = 0
    failures: list[Failure] = field(default_factory=list)
    narrative_only: list[str] = field(default_factory=list)  # exported, but no tables to give facts
    orphaned: list[tuple[str, int, int]] = field(default_factory=list)  # (source, orphaned, operations): decisions that no longer apply
    cleaned: list[str] = field(default_factory=list)  # staged files a killed export left, removed


def export(
    paths: list[str | Path],
    out: str | Path,
    fmt: str,
    *,
    reviewed_only: bool = False,
    partition_by: tuple[str, ...] = (),
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    log: TextIO | None = None,
) -> ExportResult:
    """Export every report under ``paths`` to ``out``; failing files are listed, not raised.

    Raises ``OutputError`` (one sentence) when ``out`` is a file the export reads, a sidecar or a
    folder — before anything is written — or when it could not be written; ``out`` is then as it was.
    """
    out = Path(out)
    current_catalog()  # a user catalog kemu cannot use is one sentence here, not one per report
    files, unusable = discover(paths)
    check_output(out, [*files, *(Path(p) for p in paths if Path(p).is_file())], folder=bool(partition_by))
    for failure in unusable:
        say(failure, log)
    options = Options(reviewed_only=reviewed_only, findings=fmt in ("xlsx", "duckdb"), wide=fmt == "xlsx")
    result = ExportResult(failures=list(unusable))
    if not files:
        return result  # nothing to read: OUT is not even opened
    with writing(out):  # a folder that cannot be created or written
        staged = Staged(out)
    result.cleaned = [str(p) for p in staged.cleaned]
    try:
        with writing(out):
            sink = open_sink(fmt, staged.path, partition_by)
        try:
            for outcome in run(process, files, options, engine=engine, workers=workers, scheduler=scheduler, log=log):
                if isinstance(outcome, Failure):
                    result.failures.append(outcome)
                elif outcome.skipped:
                    result.skipped += 1
                else:
                    with writing(out):
                        sink.add(outcome)
                    result.exported += 1
                    result.facts += outcome.facts.num_rows
                    if outcome.summary["tables"] == 0:
                        result.narrative_only.append(outcome.summary["source"])
                    if outcome.summary["orphaned"]:
                        result.orphaned.append((outcome.summary["source"], outcome.summary["orphaned"], outcome.summary["operations"]))
        except BaseException:  # interrupted, or a writer failed: the staged file is discarded below
            with suppress(Exception):
                sink.close()
            raise
        with writing(out):
            sink.close()
            if result.exported:
                staged.commit()
    finally:
        staged.discard()
    return result


def triage(paths: list[str | Path], **engine: Any) -> tuple[list[dict[str, Any]], list[Failure]]:
    """Report summaries, worst first: open errors, then mappings to review, then warnings."""
    current_catalog()
    files, failures = discover(paths)
    for failure in failures:
        say(failure, engine.get("log"))
    summaries = []
    for outcome in run(process, files, Options(facts=False, findings=True), **engine):
        if isinstance(outcome, Failure):
            failures.append(outcome)
        else:
            summaries.append(outcome.summary)
    summaries.sort(key=lambda s: review_need(s["errors"], s["needs_review"], s["warnings"], s["source"]))
    return summaries, failures


def load_dataset(path: str | Path, *, reviewed_only: bool = False, workers: int = 1) -> pd.DataFrame:
    """The facts as a pandas DataFrame, from a report file, a folder of reports (recursive),
    or a Parquet export (file or partitioned folder).

    Files that cannot be read are left out with a warning and listed in
    ``df.attrs["failures"]`` as (source, reason). ``workers > 1`` uses processes, which needs
    the usual ``if __name__ == "__main__":`` guard in scripts.
    """
    path = Path(path)
    if path.suffix == ".parquet" or (path.is_dir() and next(path.rglob("*.parquet"), None)):
        table = pads.dataset(path, format="parquet", partitioning="hive").to_table()
        return _frame(table.select(FACTS_SCHEMA.names).cast(FACTS_SCHEMA))
    files, failures = discover([path])
    tables = []
    for outcome in run(process, files, Options(reviewed_only=reviewed_only), workers=workers, log=None):
        if isinstance(outcome, Failure):
            failures.append(outcome)
        elif not outcome.skipped:
            tables.append(outcome.facts)
    frame = _frame(pa.concat_tables(tables) if tables else FACTS_SCHEMA.empty_table())
    frame.attrs["failures"] = [(f.source, f.reason) for f in failures]
    if failures:
        warnings.warn(f"{len(failures)} file(s) could not be read, first: {failures[0].source}: {failures[0].reason}", stacklevel=2)
    return frame


def _frame(table: pa.Table) -> pd.DataFrame:
    """Nullable integers stay integers (a null year must not turn 2024 into 2024.0)."""
    return table.to_pandas(types_mapper={pa.int32(): pd.Int32Dtype()}.get)
