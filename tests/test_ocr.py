"""Scanned reports: generated PDFs painted to image-only PDFs at 200 dpi, OCR'd, and compared
with their ground truth; orientation, digit confusions, confidence to review, cache, progress,
and the sentences a user gets. Skipped when the ``ocr`` extra (or a CJK font to paint the
scans with) is not installed."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

pytest.importorskip("rapidocr_onnxruntime", reason='the OCR extra is not installed (pip install -e ".[ocr]")')

from app.checks import run_checks  # noqa: E402
from app.checks.ocr import LOW_CONFIDENCE, ocr as ocr_rule  # noqa: E402
from app.cli import EXIT_UNREADABLE, main  # noqa: E402
from app.contract import report_json  # noqa: E402
from app.evaluate import load_truth, score_report  # noqa: E402
from app.review.session import problems  # noqa: E402
from parsers.read.ocr import engine as ocr_engine  # noqa: E402
from parsers.errors import NoTextLayer, UnreadableReport  # noqa: E402
from parsers.read.ocr.scan import OCR_FORMAT, render_page  # noqa: E402
from parsers.read.ocr.words import OcrWord  # noqa: E402
from parsers.read.progress import reading_progress  # noqa: E402
from parsers.read.ocr.digits import normalize_amount_text  # noqa: E402
from parsers.report import read_report  # noqa: E402
from sample_reports.scan import NoCjkFont, cjk_font_file, scan_pdf, truth_for_pages  # noqa: E402
from tests.conftest import GENERATED  # noqa: E402

# (report, pages scanned, clockwise turn of the scan): a ruled 决算 table over two pages plus
# the 基本支出 table, and an unruled 预算 scanned sideways.
SCANS = {
    "final_ruled": ("gen_final_ruled", [5, 6, 7], 0),
    "budget_unruled_sideways": ("gen_budget_unruled", [4, 5, 6], 90),
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    try:
        cjk_font_file()
    except NoCjkFont as exc:
        pytest.skip(str(exc))
    return tmp_path_factory.mktemp("scans")


@pytest.fixture(scope="module")
def scanned(workdir):
    """name → (scan path, report read from the scan, truth of the scanned pages); OCR'd once."""
    out = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KEMU_CACHE_DIR", str(workdir / "cache"))
        for name, (source, pages, turn) in SCANS.items():
            path = workdir / f"{name}.pdf"
            scan_pdf(GENERATED / f"{source}.pdf", path, 200, pages, turn)
            truth = truth_for_pages(load_truth(GENERATED / f"{source}.truth.json"), pages)
            out[name] = (path, read_report(path), truth)
    return out


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scanned_tables_have_at_least_98_percent_of_cells_right(scanned, name):
    _, report, truth = scanned[name]
    score = score_report(report, truth)
    assert report.format == OCR_FORMAT
    assert score.expected > 100
    assert score.recall >= 0.98, score.misses[:8]
    assert score.precision >= 0.98, score.extras[:8]


def test_codes_and_names_survive_ocr(scanned):
    _, report, truth = scanned["final_ruled"]
    table = report.tables_of_kind("final_expense")[0]
    printed = [(r["code"], r["name"]) for r in truth["tables"][0]["rows"] if r.get("code")]
    read = {(r.code, r.name) for r in table.rows}
    assert sum(pair in read for pair in printed) >= 0.95 * len(printed)


def test_every_ocr_cell_carries_a_confidence_and_text_layer_cells_none(scanned):
    _, report, _ = scanned["final_ruled"]
    cells = [c for t in report.tables for r in t.rows for c in r.cells.values() if c.raw]
    assert cells and all(0 < c.provenance.confidence <= 1 for c in cells)
    printed = read_report(GENERATED / "gen_mixed_small.pdf")
    assert all(c.provenance.confidence is None for t in printed.tables for r in t.rows for c in r.cells.values())
    scanned_json = [c for t in report_json(report)["tables"] for r in t["rows"] for c in r["cells"].values() if c["raw"]]
    assert all(0 < c["provenance"]["confidence"] <= 1 for c in scanned_json)
    printed_json = [c for t in report_json(printed)["tables"] for r in t["rows"] for c in r["cells"].values()]
    assert not any("confidence" in c["provenance"] for c in printed_json)  # the contract grows only for scans


def test_sideways_scan_is_read_upright(scanned):
    """The sideways scan's boxes are in the upright page's points: tables read top to bottom."""
    _, report, _ = scanned["budget_unruled_sideways"]
    table = report.tables_of_kind("budget_expense")[0]
    tops = [r.provenance.bbox[1] for r in table.rows if r.provenance.page == table.pages[0]]
    assert tops == sorted(tops) and len(tops) > 10


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_orientation_is_detected(workdir, turn):
    path = workdir / f"turned_{turn}.pdf"
    scan_pdf(GENERATED / "gen_final_ruled.pdf", path, 100, [5], turn)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    image = render_page(pdf[0], 100)
    pdf.close()
    assert ocr_engine.upright_lines(image)[0] == turn // 90


def test_a_page_is_first_tried_turned_as_the_page_before_it(workdir, monkeypatch):
    """Sideways pages come in runs (a report prints its wide tables on consecutive pages): a
    sideways page after a sideways one is detected once, an upright one after it is turned back."""
    engine = ocr_engine._engine()
    detections: list[int] = []
    infer = engine.text_det.infer
    monkeypatch.setattr(engine.text_det, "infer", lambda tensor: detections.append(1) or infer(tensor))
    upright = _page_image(workdir, "gen_final_ruled", 5, 100)
    sideways = ocr_engine._turn(upright, 3)  # as scanned turned a quarter clockwise
    assert ocr_engine.upright_lines(sideways)[0] == 1 and len(detections) == 2
    assert ocr_engine.upright_lines(sideways, guess=1)[0] == 1 and len(detections) == 3
    assert ocr_engine.upright_lines(upright, guess=1)[0] == 0 and len(detections) == 5

    scan = workdir / "three_pages.pdf"
    scan_pdf(GENERATED / "gen_mixed_small.pdf", scan, 72, [1, 2, 1])
    guesses: list[int] = []
    monkeypatch.setattr(ocr_engine, "upright_lines", lambda image, guess=0: guesses.append(guess) or (1, image, []))
    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "guess-cache"))
    with pytest.raises(UnreadableReport, match="not a department budget"):
        read_report(scan)
    assert guesses == [0, 1, 1]


def _page_image(workdir, name: str, page: int, dpi: int):
    import pypdfium2 as pdfium

    path = workdir / f"{name}_p{page}_{dpi}.pdf"
    scan_pdf(GENERATED / f"{name}.pdf", path, dpi, [page])
    pdf = pdfium.PdfDocument(str(path))
    image = render_page(pdf[0], dpi)
    pdf.close()
    return image


def test_the_detector_is_given_the_inked_part_of_the_page_only(workdir, monkeypatch):
    """A page printed in one corner of a wide sheet of paper: the detector sees the print with a
    margin, not the blank paper, and finds the lines where they are on the sheet (both are
    detected at full size: below ``DETECTION_SIDE``)."""
    import numpy as np

    page = _page_image(workdir, "gen_mixed_small", 2, 100)
    height, width = page.shape[:2]
    sheet = np.full((height * 3 // 2, width * 3 // 2, 3), 255, dtype=np.uint8)
    sheet[height // 2 :, width // 2 :] = page
    assert max(sheet.shape) <= ocr_engine.DETECTION_SIDE
    engine = ocr_engine._engine()
    given: list[tuple[int, ...]] = []
    infer = engine.text_det.infer
    monkeypatch.setattr(engine.text_det, "infer", lambda tensor: given.append(tensor.shape) or infer(tensor))
    alone = ocr_engine._boxes(engine, page)
    on_sheet = ocr_engine._boxes(engine, sheet)
    assert len(given) == 2 and given[1][2] * given[1][3] < 0.6 * sheet.shape[0] * sheet.shape[1]
    assert len(on_sheet) == len(alone) > 10
    offset = np.array([width // 2, height // 2])
    assert all(np.abs(a + offset - b).max() <= 2 for a, b in zip(alone, on_sheet))


def test_a_blank_page_is_not_given_to_the_detector(monkeypatch):
    import numpy as np

    engine = ocr_engine._engine()
    monkeypatch.setattr(engine.text_det, "infer", _engine_must_not_run)
    assert ocr_engine.upright_lines(np.full((1169, 827, 3), 255, dtype=np.uint8))[2] == []


def test_low_confidence_cells_are_review_items_until_edited(scanned):
    _, report, _ = scanned["final_ruled"]
    table = report.tables_of_kind("final_expense")[0]
    row = next(r for r in table.rows if r.code == "2100101")
    key, cell = next(iter(row.cells.items()))
    unsure = dataclasses.replace(cell, provenance=dataclasses.replace(cell.provenance, confidence=LOW_CONFIDENCE / 2))
    changed = _with_cell(report, table.id, row.id, key, unsure)
    findings = [f for f in ocr_rule(changed) if f.locations[0].row == row.id and f.locations[0].column == key]
    assert [f.rule for f in findings] == ["ocr.low_confidence"]
    walk = problems(changed, run_checks(changed, only=["ocr"]))
    assert any(p.row == row.id and p.column == key for p in walk)
    edited = _with_cell(report, table.id, row.id, key, dataclasses.replace(unsure, status="edited"))
    assert not [f for f in ocr_rule(edited) if f.locations[0].row == row.id and f.locations[0].column == key]


def _with_cell(report, table_id, row_id, key, cell):
    def fix_row(r):
        return dataclasses.replace(r, cells={**r.cells, key: cell}) if r.id == row_id else r

    tables = tuple(dataclasses.replace(t, rows=tuple(map(fix_row, t.rows))) if t.id == table_id else t for t in report.tables)
    return dataclasses.replace(report, tables=tables)


async def test_the_source_pane_shows_the_marked_reading_of_an_unsure_cell(scanned, workdir, monkeypatch):
    """n walks to a cell OCR was unsure of; the source pane shows, under the highlighted
    line, what OCR read there with the unsure characters in ⟦ ⟧ (from the page cache)."""
    from app.tui.app import KemuApp
    from widgets.source_view import SourceView

    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "cache"))
    monkeypatch.setattr(ocr_engine, "upright_lines", _engine_must_not_run)
    path, _, _ = scanned["final_ruled"]
    app = KemuApp(path)
    async with app.run_test(size=(180, 50)) as pilot:
        screen = app.screen
        cell = None
        for _ in range(80):
            await pilot.press("n")
            await pilot.pause()
            table_id, row_id, column = screen.current or (None, None, None)
            row = screen.session.reviewed.table(table_id).row(row_id) if table_id else None
            cell = row.cells.get(column) if row and column else None
            if cell is not None and cell.provenance.confidence is not None and cell.provenance.confidence < LOW_CONFIDENCE:
                break
        else:
            raise AssertionError("next-problem never reached a cell OCR was unsure of")
        view = screen.query_one(SourceView)
        assert view.highlighted == cell.provenance
        assert "⟦" in view.reading and view.reading.replace("⟦", "").replace("⟧", "") == cell.raw
        shown = ["".join(segment.text for segment in view.render_line(y)) for y in range(view.size.height)]
        at = next(y for y, line in enumerate(shown) if f"OCR {cell.provenance.confidence:.2f} ▸ {view.reading}" in line)
        assert cell.raw in shown[at - 1]  # right under the line the cell was read from


def test_mixed_document_ocrs_only_the_pages_without_text(workdir, monkeypatch):
    """Page 1 keeps its text layer; page 2 is a scan and is OCR'd; its table is read right."""
    import pypdfium2 as pdfium

    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "cache"))
    scan = workdir / "mixed_page2.pdf"
    scan_pdf(GENERATED / "gen_mixed_small.pdf", scan, 200, [2])
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(str(GENERATED / "gen_mixed_small.pdf")), [0])
    mixed.import_pages(pdfium.PdfDocument(str(scan)), [0])
    path = workdir / "mixed.pdf"
    mixed.save(str(path))
    read_pages: list[tuple[int, int, str]] = []
    with reading_progress(lambda done, total, stage: read_pages.append((done, total, stage))):
        report = read_report(path)
    assert read_pages == [(0, 2, "pdf"), (1, 2, "pdf"), (2, 2, "pdf"), (0, 1, "ocr"), (1, 1, "ocr")]
    printed = read_report(GENERATED / "gen_mixed_small.pdf")
    assert report.format == OCR_FORMAT
    assert report.pages[0] == printed.pages[0]
    score = score_report(report, load_truth(GENERATED / "gen_mixed_small.truth.json"))
    assert score.recall >= 0.98 and score.precision >= 0.98, (score.misses[:5], score.extras[:5])
    assert (report.report_kind, report.year, report.department) == (printed.report_kind, printed.year, printed.department)

    monkeypatch.setattr(ocr_engine, "upright_lines", _engine_must_not_run)
    again = read_report(path)  # the page reading is cached: no pixel is read again
    assert again.tables == report.tables

    from parsers.read.ocr.view import marked_reading, page_crop

    cell = next(c for r in report.tables[0].rows for c in r.cells.values() if c.raw and c.value)
    x0, top, x1, bottom = cell.provenance.bbox
    crop = page_crop(path, cell.provenance.page, cell.provenance.bbox, margin=0)
    assert abs(crop.width - (x1 - x0) * 200 / 72) <= 2 and abs(crop.height - (bottom - top) * 200 / 72) <= 2
    assert marked_reading(path, cell.provenance.page, cell.provenance.bbox, threshold=0).replace("⟦", "").replace("⟧", "") == cell.raw
    assert marked_reading(path, cell.provenance.page, cell.provenance.bbox, threshold=1.01).startswith("⟦")


def _engine_must_not_run(*_):
    raise AssertionError("the OCR engine ran although the page reading was cached")


def _printed(path: Path, items: list[tuple[float, float, int, str]], landscape: bool = False) -> Path:
    """A one-page PDF with a text layer: (x, y, font size, text) in points, in reportlab's CJK font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as across
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=across(A4) if landscape else A4)
    for x, y, size, text in items:
        page.setFont("STSong-Light", size)
        page.drawString(x, y, text)
    page.save()
    return path


LETTER = [(150, 760, 16, "关于举办2025年春季运动会的通知")] + [
    (72, 700 - 24 * i, 12, text)
    for i, text in enumerate(["各科室：", "为丰富职工文化生活，定于四月十二日在体育场举办春季运动会。", "请各科室于四月五日前报送参赛名单。", "特此通知。"])
]
# An evaluation names the 部门预算 in its sentences and prints a performance table, whose title
# is a listed table kind: still no report.
EVALUATION = [(130, 760, 16, "2024年度部门整体支出绩效评价报告")] + [
    (72, 710 - 24 * i, 12, text)
    for i, text in enumerate(
        [
            "一、部门基本情况",
            "2024年部门预算收入1,234.56万元，支出1,200.00万元，严格执行部门预算。",
            "二、绩效评价工作开展情况",
            "三、综合评价结论：自评得分95分，等级为优。",
            "部门整体支出绩效自评表",
            "一级指标      二级指标      三级指标          分值      得分",
            "产出          数量          预算完成率        20        19",
            "效益          满意度        服务对象满意度    10        9",
        ]
    )
]


@pytest.mark.parametrize(("name", "items"), [("letter", LETTER), ("evaluation", EVALUATION)])
def test_scan_that_is_no_report_is_rejected_for_what_it_says(workdir, monkeypatch, name, items):
    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "cache"))
    scan = workdir / f"{name}_scan.pdf"
    scan_pdf(_printed(workdir / f"{name}.pdf", items), scan, 200)
    with pytest.raises(UnreadableReport) as caught:
        read_report(scan)
    assert "not a department budget" in str(caught.value)
    assert not isinstance(caught.value, NoTextLayer)


def test_a_sideways_budget_table_without_a_listed_title_gives_its_coded_rows(workdir, monkeypatch):
    """A landscape table printed sideways, 功能 and 经济 codes on every row, under a title no
    catalog lists: read upright, it is a report by its 科目 rows and gives them with codes."""
    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "cache"))
    columns = [40, 130, 330, 420, 600, 680, 760]
    rows = [
        ("功能科目编码", "功能科目名称", "经济科目编码", "经济科目名称", "合计", "基本支出", "项目支出"),
        ("2010101", "行政运行", "30101", "基本工资", "120.50", "120.50", ""),
        ("2010101", "行政运行", "30102", "津贴补贴", "80.20", "80.20", ""),
        ("2010102", "一般行政管理事务", "30227", "委托业务费", "46.00", "", "46.00"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "30108", "机关事业单位基本养老保险缴费", "30.12", "30.12", ""),
        ("2210201", "住房公积金", "30113", "住房公积金", "18.40", "18.40", ""),
    ]
    items = [(300, 540, 16, "单位预算支出明细"), (700, 515, 10, "单位：万元")]
    items += [(x, 490 - 22 * i, 10, text) for i, row in enumerate(rows) for x, text in zip(columns, row) if text]
    scan = workdir / "sideways_table_scan.pdf"
    scan_pdf(_printed(workdir / "sideways_table.pdf", items, landscape=True), scan, 200, rotate=90)
    report = read_report(scan)
    read = [(r.code, r.extra_codes, [c.raw for c in r.cells.values()]) for t in report.tables for r in t.rows if r.code]
    assert read == [(code, (economic,), [a, b, c]) for code, _, economic, _, a, b, c in rows[1:]]


def test_without_the_extra_a_scan_says_how_to_install_it(workdir, monkeypatch, capsys):
    import parsers.read.ocr.scan

    scan = workdir / "no_engine.pdf"
    scan_pdf(GENERATED / "gen_mixed_small.pdf", scan, 72, [2])
    monkeypatch.setattr(parsers.read.ocr.scan, "engine_installed", lambda: False)
    with pytest.raises(NoTextLayer, match=r'pip install -e "\.\[ocr\]"'):
        read_report(scan)
    assert main(["extract", str(scan)]) == EXIT_UNREADABLE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "[ocr]" in err and "Traceback" not in err
    monkeypatch.setattr(parsers.read.ocr.scan, "engine_installed", lambda: True)
    monkeypatch.setenv("KEMU_OCR", "off")
    with pytest.raises(NoTextLayer, match="KEMU_OCR=off"):
        read_report(scan)


@pytest.mark.parametrize(
    "read, meant",
    [
        ("Q.08", "0.08"),
        ("21781，49", "21781.49"),
        ("1,2O4.47", "1,204.47"),
        ("l2.40", "12.40"),
        ("9.6O%", "9.60%"),
        ("1,124.19", "1,124.19"),
        ("5,749", "5,749"),  # a thousands group stays one
        ("O", "O"),  # no real digit: not an amount
        ("IO", "IO"),
        ("行政运行", "行政运行"),
        ("I0", "I0"),  # as many letters as digits: not undone
        ("一", "—"),  # the dash of an empty cell
        ("一、", "一、"),
    ],
)
def test_digit_confusions_are_undone_only_into_amounts(read, meant):
    assert normalize_amount_text(read) == meant


@pytest.mark.parametrize(
    ("read", "pieces"),
    [
        ("21,851.43一、一般公共服务支出", ["21,851.43", "一、一般公共服务支出"]),  # an amount, then the next column's label
        ("21,851.43本年支出合计", ["21,851.43", "本年支出合计"]),
        ("1018.21万元", ["1018.21万元"]),  # a unit is no label
        ("2010101行政运行", ["2010101行政运行"]),  # a code and its name: the grid splits those
        ("合计21,851.43", ["合计21,851.43"]),
    ],
)
def test_an_amount_glued_to_the_next_label_is_two_words(read, pieces):
    word = OcrWord(read, (100.0, 10.0, 100.0 + 20 * len(read), 40.0), tuple(0.99 for _ in read))
    split = ocr_engine.split_glued_amount(word)
    assert [w.text for w in split] == pieces
    assert split[0].box[0] == word.box[0] and split[-1].box[2] == word.box[2]
    assert all(a.box[2] == b.box[0] for a, b in zip(split, split[1:]))
    assert [c for w in split for c in w.char_confidences] == list(word.char_confidences)


def test_a_ruled_row_keeps_its_empty_cells_and_the_columns_no_word_is_printed_in():
    """As pdfplumber's table finder gives a PDF's table: every column between two rulings keeps
    its place in every row, empty or not, and a column empty on the whole page is still one (a
    continuation page whose 事业收入 column is empty has the columns of the first page)."""
    import numpy as np

    from parsers.read.ocr.rulings import column_rulings, enclosures, find_rulings, group_cells
    from parsers.read.ocr.scan import OcrSettings, page_lines
    from parsers.read.ocr.cache import PageReading

    image = np.full((400, 1000), 255, dtype=np.uint8)
    for y in (50, 150, 250, 350):
        image[y : y + 2, 50:951] = 0
    for x in (50, 250, 450, 650, 950):  # four columns; the last is empty in every row
        image[50:352, x : x + 2] = 0
    words = [
        OcrWord("201", (80.0, 80.0, 140.0, 120.0), (0.99,) * 3),
        OcrWord("一般公共服务支出", (480.0, 80.0, 620.0, 120.0), (0.99,) * 8),
        OcrWord("201", (80.0, 180.0, 140.0, 220.0), (0.99,) * 3),
        OcrWord("03", (280.0, 180.0, 320.0, 220.0), (0.99,) * 2),
        OcrWord("事务", (480.0, 180.0, 560.0, 220.0), (0.99,) * 2),
    ]
    rulings = find_rulings(np.stack([image] * 3, axis=-1))
    boxes = enclosures(words, rulings)
    assert all(boxes)
    cells, free = group_cells(words, boxes, column_rulings(rulings))
    assert not free
    reading = PageReading(0, 1000, 400, tuple(words), tuple(boxes), column_rulings(rulings))
    lines = page_lines(reading, 1, OcrSettings(dpi=72))
    assert [[(f.text, f.col) for f in line.fragments] for line in lines] == [
        [("201", 0), ("", 1), ("一般公共服务支出", 2), ("", 3)],
        [("201", 0), ("03", 1), ("事务", 2), ("", 3)],
    ]
    assert lines[0].fragments[1].confidence is None and lines[0].fragments[0].confidence == 0.99


def test_a_ruling_of_a_skewed_scan_is_one_column():
    import numpy as np

    from parsers.read.ocr.rulings import column_rulings, find_rulings

    image = np.full((400, 1000, 3), 255, dtype=np.uint8)
    for y in (50, 350):
        image[y : y + 2, 50:951] = 0
    for x in (50, 950):
        image[50:352, x : x + 2] = 0
    for y in range(50, 352):  # drifts 20 pixels over its height, as in a scan skewed by 4°
        drift = 500 + (y - 50) * 20 // 302
        image[y, drift : drift + 2] = 0
    assert [len(columns) for columns in column_rulings(find_rulings(image)).values()] == [3]


def test_a_line_detected_across_a_ruling_is_cut_there():
    """Two amounts of neighbouring ruled cells detected as one line are read as two; a ruling
    inside the detector's margin at a line's end, or a large character's stroke that ends
    inside its line, leaves the line as it is."""
    import numpy as np

    from parsers.read.ocr.rulings import find_rulings, split_at_rulings

    image = np.full((300, 1000, 3), 255, dtype=np.uint8)
    for y in (100, 200):
        image[y : y + 2, 50:951] = 0
    for x in (50, 500, 950):
        image[100:202, x : x + 2] = 0
    image[220:290, 300:308] = 0  # the stroke of a large character, as tall as its line
    across = np.array([[300, 130], [700, 130], [700, 170], [300, 170]], dtype=np.float32)
    at_its_end = np.array([[60, 130], [505, 130], [505, 170], [60, 170]], dtype=np.float32)
    title = np.array([[200, 215], [600, 215], [600, 295], [200, 295]], dtype=np.float32)
    cut = split_at_rulings([across, at_its_end, title], find_rulings(image))
    assert len(cut) == 4
    (left, right), kept = cut[:2], cut[2:]
    assert left[:, 0].min() == 300 and 495 <= left[:, 0].max() <= 500
    assert 502 <= right[:, 0].min() <= 507 and right[:, 0].max() == 700
    assert (kept[0] == at_its_end).all() and (kept[1] == title).all()


def test_ocr_cache_lives_in_kemu_cache_folder(workdir):
    from parsers.read.ocr.cache import cache_folder

    assert cache_folder() == Path(os.environ["KEMU_CACHE_DIR"]) / "ocr"


def _scan_of_blank_reading(workdir: Path, pages: list[int], monkeypatch, page_seconds: list[float]) -> Path:
    """A scan of ``pages`` whose OCR is a fake reader: page n takes ``page_seconds[n - 1]`` s
    (sleeping: the budget counts time blocked, as a hang is) and reads nothing."""
    import time

    scan = workdir / f"pages_{'_'.join(map(str, pages))}.pdf"
    scan_pdf(GENERATED / "gen_mixed_small.pdf", scan, 72, pages)
    seconds = iter(page_seconds)

    def slow_page(image, guess=0):
        time.sleep(next(seconds))
        return 0, image, []

    monkeypatch.setattr(ocr_engine, "upright_lines", slow_page)
    return scan


def test_a_scan_whose_pages_keep_finishing_is_never_cut_off(workdir, monkeypatch):
    """Three pages of 0.6 s each under a budget of 1 s: every page read restarts the budget,
    so the scan is read to the end (and judged by its content) although it takes 1.8 s."""
    from app.cache import load_report

    scan = _scan_of_blank_reading(workdir, [1, 2, 1], monkeypatch, [0.6, 0.6, 0.6])
    monkeypatch.setenv("KEMU_TIME_BUDGET", "1")
    with pytest.raises(UnreadableReport, match="not a department budget"):
        load_report(scan)


def test_a_stalled_page_is_named_and_the_file_not_called_damaged(workdir, monkeypatch):
    from app.cache import load_report
    from app.errors import TookTooLong

    scan = _scan_of_blank_reading(workdir, [2, 1, 2], monkeypatch, [0, 0, 60])
    monkeypatch.setenv("KEMU_TIME_BUDGET", "1")
    with pytest.raises(TookTooLong) as stopped:
        load_report(scan)
    message = str(stopped.value)
    assert message.startswith(f"{scan.name}: scanned page 3 of 3 took longer than 1 s to read (scanned pages 1–2 were read); stopped after")
    assert "damaged" not in message


def test_time_other_programs_hold_the_cpu_does_not_count(workdir, monkeypatch):
    """A clock that stands still, as ``budget_clock`` does while the reader waits for a CPU
    that other programs hold: the alarm goes off, finds no budget spent, and waits again."""
    import app.errors as errors
    from app.cache import load_report

    scan = _scan_of_blank_reading(workdir, [1, 1, 2], monkeypatch, [1.5, 0, 0])
    monkeypatch.setattr(errors, "budget_clock", lambda thread=None: 0.0)
    monkeypatch.setenv("KEMU_TIME_BUDGET", "0.5")
    with pytest.raises(UnreadableReport, match="not a department budget"):
        load_report(scan)


def test_terminal_progress_bar():
    import io

    from parsers.read.progress import terminal_progress

    stream = io.StringIO()
    show = terminal_progress(stream)
    for done in range(3):
        show(done, 2, "ocr")
    assert stream.getvalue().endswith("\rOCR 2/2 pages [########################]\n")
    assert "OCR 1/2 pages [############............]" in stream.getvalue()


def test_the_rewritten_models_compute_what_the_shipped_ones_do(workdir, monkeypatch):
    """Scales and shifts folded into the convolutions and hard-swish as x·HardSigmoid(x): nearly a third
    fewer operations, and a line of a scanned table is read the same, to float rounding."""
    import numpy as np
    import onnx
    import onnxruntime
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    from parsers.read.ocr.models import fast_model

    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "model-cache"))
    page = _page_image(workdir, "gen_mixed_small", 2, 200)
    line = np.zeros((1, 3, 48, 320), dtype=np.float32)
    line[0] = np.transpose(page[200:248, 100:420], (2, 0, 1)) / np.float32(127.5) - 1
    shipped = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    for part, tensor in (("Rec", line), ("Det", np.repeat(line[:, :1, :, :], 3, axis=1)[:, :, :32, :])):
        original = Path(shipped[part]["model_path"])
        rewritten = fast_model(original, ocr_engine.engine_version())
        assert rewritten != original and rewritten.exists()
        outputs = [onnxruntime.InferenceSession(str(p)).run(None, {"x": tensor})[0] for p in (original, rewritten)]
        assert np.abs(outputs[0] - outputs[1]).max() < 1e-4
        before, after = ([n.op_type for n in onnx.load(str(p)).graph.node if n.op_type != "Constant"] for p in (original, rewritten))
        assert after.count("HardSigmoid") - before.count("HardSigmoid") >= 24 and len(after) < 0.7 * len(before)


def test_without_the_onnx_package_the_shipped_models_are_used(workdir, monkeypatch):
    import builtins

    from parsers.read.ocr.models import fast_model

    monkeypatch.setenv("KEMU_CACHE_DIR", str(workdir / "no-onnx-cache"))
    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: (_ for _ in ()).throw(ImportError(name)) if name == "onnx" else real_import(name, *a, **k))
    shipped = workdir / "model.onnx"
    assert fast_model(shipped, "engine") == shipped
