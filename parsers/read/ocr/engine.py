"""The OCR engine: RapidOCR (PP-OCRv4 Chinese detection and recognition, ONNX, offline).

This is the only module that talks to the engine; it is imported only when a page has no
text layer, and only if the ``ocr`` extra is installed. It turns a page image into words
with pixel boxes and per-character confidences. A detected text line is split into words
where the characters stand apart (an unruled table prints a code and its name, or two
amounts, on one line), because the grid finds columns from where words sit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the OCR engine, not with every kemu command
    import numpy as np

from parsers.errors import UnreadableReport
from parsers.read.ocr.words import OcrWord

#: Splits a detected line where the gap between two characters exceeds this share of its height.
WORD_GAP = 0.6
#: Detected lines the recogniser scores below this are dropped (RapidOCR's own threshold).
MIN_LINE_SCORE = 0.5
#: Text lines are detected on the page scaled to this many pixels on its long side. At 1600,
#: for a tenth less CPU, the detector joins and doubles characters of dense tables (十二、名农林水支出)
#: and 10 of the generated reports' 471 cells are lost.
DETECTION_SIDE = 2000
#: Blank paper kept around the ink for the detector, in its pixels (its stride is 32 too).
DETECTION_MARGIN = 32
_ORIENTATION_SAMPLE = 24  # text lines whose reading direction is voted on


def engine_version() -> str:
    from importlib.metadata import version  # only where a page is OCR'd: it takes a tenth of a second to import

    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} ppocrv4"


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import infer_engine, read_yaml, update_model_path

    from parsers.read.ocr.models import fast_model

    shipped = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    models = {f"{part.lower()}_model_path": str(fast_model(Path(shipped[part]["model_path"]), engine_version())) for part in ("Det", "Rec")}

    # Recognition crops come from the full-resolution page (small print stays legible); detection
    # runs on the page scaled to 2000 px (``_boxes``). Crops are recognised one at a time: a batch
    # is padded to its widest line, and on a page of running text those tensors cost more than the lines.
    return _with_session_options(infer_engine.OrtInferSession, lambda: RapidOCR(rec_batch_num=1, use_cls=False, **models))


def _with_session_options(session_class, build):
    """``build()`` with ONNX Runtime sessions that keep their memory arena and use ``onnx_threads()``.

    RapidOCR turns the arena off, so every inference maps and unmaps its tensors afresh (page
    faults and system time that made a page of running text cost 20-50 CPU s), and it gives
    each session a thread per core of the machine, which spin while other processes wait."""
    original = session_class._init_sess_opts
    threads = onnx_threads()

    def options(config):
        chosen = original(config)
        chosen.enable_cpu_mem_arena = True
        chosen.intra_op_num_threads = threads
        chosen.inter_op_num_threads = 1
        chosen.add_session_config_entry("session.intra_op.allow_spinning", "0")
        chosen.enable_mem_pattern = False  # planned per input shape, and every line has its own width (4% less CPU)
        return chosen

    session_class._init_sess_opts = staticmethod(options)
    try:
        return build()
    finally:
        session_class._init_sess_opts = staticmethod(original)


def onnx_threads() -> int:
    """Threads for the engine: ``KEMU_OCR_THREADS``, else one. A second thread shortens a page
    only on an idle machine and costs more CPU seconds on a busy one; the folder commands
    read one file per core they are given (``app.export.batch.cores_given``)."""
    import os

    try:
        return max(1, int(os.environ.get("KEMU_OCR_THREADS", 1)))
    except ValueError:
        return 1


def upright_lines(image: np.ndarray, guess: int = 0) -> tuple[int, np.ndarray, list]:
    """Quarter turns (counter-clockwise) that make the page upright, the upright image, and the
    text lines detected on it (pixel quadrilaterals), in reading order. The page is first
    detected turned by ``guess`` (the previous page's turns: a report prints its wide tables
    on consecutive pages, so a scan's sideways pages come in runs); when that is its upright
    position, it is detected once, and the lines that decided it are the ones read."""
    with _engine_errors():
        return _orient(_engine(), image, guess)


def read_lines(image: np.ndarray, lines: list) -> list[OcrWord]:
    """Every word of the detected ``lines`` of the upright ``image``."""
    if not lines:
        return []
    with _engine_errors():
        return _recognise(_engine(), image, lines)


def _orient(engine, image: np.ndarray, guess: int) -> tuple[int, np.ndarray, list]:
    """Turns, the upright image and its detected text boxes.

    Text lines are wide, so a page whose detected boxes are mostly tall lies on its side and is
    turned a quarter more (back to the page as scanned when the guess was a quarter turn); the
    engine's direction classifier then votes on a sample of lines whether they read upside down.
    """
    turns = guess % 4
    upright = _turn(image, turns)
    boxes = _boxes(engine, upright)
    if not boxes:
        return 0, image, boxes
    if sum(1 for w, h in map(_size, boxes) if h > 1.5 * w) > sum(1 for w, h in map(_size, boxes) if w > 1.5 * h):
        turns = 0 if turns % 2 else turns + 1
        upright = _turn(image, turns)
        boxes = _boxes(engine, upright)
    if boxes and _reads_upside_down(engine, upright, boxes):
        turns, upright = (turns + 2) % 4, _turn(upright, 2)
        boxes = _boxes(engine, upright)
    return turns, upright, boxes


def _reads_upside_down(engine, image: np.ndarray, boxes: list) -> bool:
    widest = sorted(boxes, key=lambda b: -_size(b)[0])[:_ORIENTATION_SAMPLE]
    _, votes, _ = engine.text_cls(engine.get_crop_img_list(image, widest))
    flipped = sum(score for label, score in votes if label == "180")
    upright = sum(score for label, score in votes if label == "0")
    return flipped > upright


def _recognise(engine, image: np.ndarray, boxes: list) -> list[OcrWord]:
    """The detected lines read, with a box and a confidence per character; lines the recogniser
    scores below ``MIN_LINE_SCORE`` are dropped (stamps, specks, ruling fragments)."""
    import numpy as np

    crops = engine.get_crop_img_list(image, boxes)
    readings, _ = engine.text_rec(crops, True)
    limit = np.array([image.shape[1], image.shape[0]], dtype=np.float32)
    words: list[OcrWord] = []
    for box, (text, score, char_boxes, char_texts, confidences) in zip(boxes, engine.cal_rec_boxes(crops, boxes, readings)):
        if score < MIN_LINE_SCORE:
            continue
        if char_boxes:
            char_boxes = np.clip(np.array(char_boxes, dtype=np.float32), 0, limit).astype(np.int32).tolist()
        words.extend(_split_line(np.clip(box, 0, limit).tolist(), text, char_boxes, char_texts, confidences))
    return words


def _boxes(engine, image: np.ndarray) -> list:
    """Text lines detected on the page scaled to ``DETECTION_SIDE``, in pixels of ``image``.

    Only the inked part of the page is given to the detector, with a margin of blank paper:
    reports are printed with wide margins (half of a landscape page of running text is blank
    paper, where there is nothing to find), and a blank page is not given to it at all. The
    detector's input is padded with paper to its stride of 32 pixels rather than stretched to it."""
    import cv2
    import numpy as np

    gray = image[..., 0] if image.ndim == 3 else image
    scale = min(1.0, DETECTION_SIDE / max(gray.shape))
    extent = _ink_extent(gray, math.ceil(DETECTION_MARGIN / scale))
    if extent is None:
        return []
    top, bottom, left, right = extent
    region = gray[top:bottom, left:right]
    if scale < 1:
        region = cv2.resize(region, (round((right - left) * scale), round((bottom - top) * scale)), interpolation=cv2.INTER_AREA)
    rows, columns = region.shape
    page = np.full((32 * math.ceil(rows / 32), 32 * math.ceil(columns / 32)), 255, dtype=np.uint8)
    page[:rows, :columns] = region
    tensor = np.repeat((page / np.float32(127.5) - 1)[np.newaxis, np.newaxis], 3, axis=1)  # the model's mean and spread of 0.5
    detector = engine.text_det
    boxes, _ = detector.postprocess_op(detector.infer(tensor)[0], page.shape)
    if len(boxes):
        boxes = detector.filter_tag_det_res(boxes, page.shape)
    if not len(boxes):
        return []
    return engine.sorted_boxes(boxes / scale + np.array([left, top], dtype=np.float32))


def _ink_extent(gray: np.ndarray, margin: int) -> tuple[int, int, int, int] | None:
    """Top, bottom, left and right of the page's ink, ``margin`` pixels wider; None for a blank page."""
    import numpy as np

    from parsers.read.ocr.rulings import INK

    ink = gray < INK
    rows = np.flatnonzero(ink.any(axis=1))
    if not rows.size:
        return None
    columns = np.flatnonzero(ink.any(axis=0))
    height, width = gray.shape
    return max(0, int(rows[0]) - margin), min(height, int(rows[-1]) + 1 + margin), max(0, int(columns[0]) - margin), min(width, int(columns[-1]) + 1 + margin)


def _turn(image: np.ndarray, turns: int) -> np.ndarray:
    import numpy as np

    return np.ascontiguousarray(np.rot90(image, turns)) if turns % 4 else image


def _split_line(box, text: str, char_boxes, char_texts, confidences) -> list[OcrWord]:
    """A detected line → words, cut where two recognised pieces stand far apart."""
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    top, bottom = min(ys), max(ys)
    if not char_boxes or len(char_boxes) != len(char_texts):
        return [OcrWord(text.strip(), (min(xs), top, max(xs), bottom), tuple(confidences))] if text.strip() else []
    pieces = []
    cursor = 0
    for piece_box, piece in zip(char_boxes, char_texts):
        piece = "".join(piece)
        start = text.find(piece, cursor)
        start = cursor if start < 0 else start
        cursor = start + len(piece)
        px = [p[0] for p in piece_box]
        pieces.append((piece, min(px), max(px), tuple(confidences[start:cursor])))
    pieces.sort(key=lambda p: p[1])
    words: list[OcrWord] = []
    run: list[tuple] = []
    gap_limit = WORD_GAP * (bottom - top)
    for piece in pieces:
        if run and piece[1] - run[-1][2] > gap_limit:
            words.append(_word(run, top, bottom))
            run = []
        run.append(piece)
    if run:
        words.append(_word(run, top, bottom))
    return [w for w in words if w.text]


def _word(run: list[tuple], top: float, bottom: float) -> OcrWord:
    text = "".join(p[0] for p in run).strip()
    confidences = tuple(c for p in run for c in p[3])
    return OcrWord(text, (run[0][1], top, max(p[2] for p in run), bottom), confidences)


#: A formatted amount (grouped or with decimals) at a word's start, then a label: not a unit.
_GLUED_AMOUNT = re.compile(r"^([-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+))(?=[\u4e00-\u9fff])(?![万元亿千百个人次件户家辆台套项亩米吨斤天年月日倍])")


def split_glued_amount(word: OcrWord) -> list[OcrWord]:
    """"21,851.43一、一般公共服务支出" → the amount and the label as two words.

    In an unruled two-sided table an amount stands close to the next column's label, and the
    engine reads both as one line with too small a gap to split. The grid needs them apart.
    The box is divided by the characters' widths (a CJK character a full em, others half),
    since a cached word keeps no character boxes. A unit after the amount (万元) is no label.
    """
    match = _GLUED_AMOUNT.match(word.text)
    if match is None:
        return [word]
    cut = match.end()
    widths = [1.0 if "\u4e00" <= ch <= "\u9fff" or ch in "、（）：" else 0.5 for ch in word.text]
    x0, top, x1, bottom = word.box
    x_cut = x0 + (x1 - x0) * sum(widths[:cut]) / sum(widths)
    confidences = word.char_confidences
    if len(confidences) != len(word.text):
        confidences = (word.confidence,) * len(word.text)
    return [
        OcrWord(word.text[:cut], (x0, top, x_cut, bottom), confidences[:cut]),
        OcrWord(word.text[cut:], (x_cut, top, x1, bottom), confidences[cut:]),
    ]


@contextmanager
def _engine_errors() -> Iterator[None]:
    """The engine wraps whatever interrupts it (a time budget running out) in its own error:
    unwrap that, and make any other engine failure one sentence."""
    try:
        yield
    except UnreadableReport:
        raise
    except Exception as exc:
        if isinstance(exc.__cause__, UnreadableReport):
            raise exc.__cause__ from None
        raise UnreadableReport(f"the OCR engine failed on a page ({exc.__class__.__name__})") from exc


def _size(box) -> tuple[float, float]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return max(xs) - min(xs), max(ys) - min(ys)
