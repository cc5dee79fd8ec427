"""The OCR engine: RapidOCR (PP-OCRv4 Chinese detection and recognition, ONNX, offline).

This is the only module that talks to the engine; it is imported only when a page has no
text layer, and only if the ``ocr`` extra is installed. It turns a page image into words
with pixel boxes and per-character confidences. A detected text line is split into words
where the characters stand apart (an unruled table prints a code and its name, or two
amounts, on one line), because the grid finds columns from where words sit.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the OCR engine, not with every kemu command
    import numpy as np

from parsers.errors import UnreadableReport

#: Splits a detected line where the gap between two characters exceeds this share of its height.
WORD_GAP = 0.6
#: Orientation is decided on a page scaled so its long side has this many pixels.
_ORIENTATION_SIDE = 1200
_ORIENTATION_SAMPLE = 24  # text lines whose reading direction is voted on


@dataclass(frozen=True)
class OcrWord:
    """A run of characters read together: pixel box (x0, top, x1, bottom) and confidences."""

    text: str
    box: tuple[float, float, float, float]
    char_confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return min(self.char_confidences, default=0.0)


def engine_installed() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def engine_version() -> str:
    return f"rapidocr-onnxruntime {importlib.metadata.version('rapidocr-onnxruntime')} ppocrv4"


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    # Recognition crops come from the full-resolution page (small print stays legible), detection
    # runs on the page scaled to 2000 px, low-scoring lines are kept (they become review items
    # rather than vanishing), recognition runs in bigger batches.
    return RapidOCR(text_score=0.2, max_side_len=4000, det_limit_type="max", rec_batch_num=16, use_cls=False)


def read_words(image: np.ndarray) -> list[OcrWord]:
    """Every word on an upright RGB page image, in the engine's reading order."""
    with _engine_errors():
        result, _ = _engine()(image, use_cls=False, return_word_box=True)
    words: list[OcrWord] = []
    for box, text, _score, char_boxes, char_texts, confidences in result or []:
        words.extend(_split_line(box, text, char_boxes, char_texts, confidences))
    return words


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


def upright_turns(image: np.ndarray) -> int:
    """Quarter turns (counter-clockwise) that make the page upright: 0, 1, 2 or 3.

    Text lines are wide, so a page whose detected boxes are mostly tall lies on its side; the
    engine's direction classifier then votes on a sample of lines whether they read upside down.
    """
    with _engine_errors():
        return _upright_turns(_engine(), _shrink(image, _ORIENTATION_SIDE))


def _upright_turns(engine, small: np.ndarray) -> int:
    boxes = _boxes(engine, small)
    if not boxes:
        return 0
    tall = sum(1 for w, h in (_size(b) for b in boxes) if h > 1.5 * w)
    wide = sum(1 for w, h in (_size(b) for b in boxes) if w > 1.5 * h)
    turns = 1 if tall > wide else 0
    if turns:
        import numpy as np

        small = np.ascontiguousarray(np.rot90(small, turns))
        boxes = _boxes(engine, small)
    boxes = sorted(boxes, key=lambda b: -_size(b)[0])[:_ORIENTATION_SAMPLE]
    if not boxes:
        return turns
    crops = engine.get_crop_img_list(small, boxes)
    _, votes, _ = engine.text_cls(crops)
    flipped = sum(score for label, score in votes if label == "180")
    upright = sum(score for label, score in votes if label == "0")
    return (turns + 2) % 4 if flipped > upright else turns


def _boxes(engine, image: np.ndarray) -> list:
    boxes, _ = engine.text_det(image)
    return [] if boxes is None else list(boxes)


def _size(box) -> tuple[float, float]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return max(xs) - min(xs), max(ys) - min(ys)


def _shrink(image: np.ndarray, side: int) -> np.ndarray:
    import cv2

    height, width = image.shape[:2]
    scale = side / max(height, width)
    if scale >= 1:
        return image
    return cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
