"""What a reviewer needs to check an OCR'd number against the page: the crop of the page
image where it was read, and the reading with its unsure characters marked.

The workbench's source pane shows the crop where the terminal can draw images and the
marked reading elsewhere. Both come from the cached page reading (``ocr_cache``), so
nothing is OCR'd again; the crop is rendered with PDFium and turned upright as OCR saw it.
"""

from __future__ import annotations

from pathlib import Path

from parsers.read.ocr import cache as ocr_cache
from parsers.read.ocr.scan import LOW_CONFIDENCE, OcrSettings, render_page
from parsers.read.ocr.engine import engine_version
from parsers.read.ocr.words import OcrWord
from parsers.model import file_sha256

BBox = tuple[float, float, float, float]


def _reading(path: Path, page: int, settings: OcrSettings, sha256: str | None) -> ocr_cache.PageReading | None:
    return ocr_cache.load(sha256 or file_sha256(path), page, settings.dpi, engine_version())


def page_crop(
    path: str | Path, page: int, bbox: BBox, margin: float = 6.0, settings: OcrSettings = OcrSettings(), sha256: str | None = None
):
    """The part of upright page ``page`` (1-based) inside ``bbox`` (PDF points) plus ``margin``, as a PIL image.

    ``sha256``: the file's, when the caller knows it (the report does), so it is not hashed again."""
    import numpy as np
    import pypdfium2 as pdfium

    from parsers.read.library_logs import quiet_reader_logs

    quiet_reader_logs()
    from PIL import Image

    path = Path(path)
    reading = _reading(path, page, settings, sha256)
    pdf = pdfium.PdfDocument(str(path))
    try:
        image = render_page(pdf[page - 1], settings.dpi)
    finally:
        pdf.close()
    if reading is not None and reading.turns:
        image = np.ascontiguousarray(np.rot90(image, reading.turns))
    scale = settings.dpi / 72
    height, width = image.shape[:2]
    x0, top, x1, bottom = bbox
    box = (
        max(0, int((x0 - margin) * scale)),
        max(0, int((top - margin) * scale)),
        min(width, int((x1 + margin) * scale) + 1),
        min(height, int((bottom + margin) * scale) + 1),
    )
    return Image.fromarray(image).crop(box)


def marked_reading(
    path: str | Path, page: int, bbox: BBox, settings: OcrSettings = OcrSettings(), threshold: float = LOW_CONFIDENCE, sha256: str | None = None
) -> str | None:
    """The words OCR read inside ``bbox``, each character it was unsure of in ⟦ ⟧ (None: no reading)."""
    reading = _reading(Path(path), page, settings, sha256)
    if reading is None:
        return None
    scale = settings.dpi / 72
    inside = [w for w in reading.words if _centre_in(w, bbox, scale)]
    inside.sort(key=lambda w: ((w.box[1] + w.box[3]) // 2 // 20, w.box[0]))
    return " ".join(_mark(w, threshold) for w in inside)


def _centre_in(word: OcrWord, bbox: BBox, scale: float) -> bool:
    x = (word.box[0] + word.box[2]) / 2 / scale
    y = (word.box[1] + word.box[3]) / 2 / scale
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _mark(word: OcrWord, threshold: float) -> str:
    if len(word.char_confidences) != len(word.text):
        return f"⟦{word.text}⟧" if word.confidence < threshold else word.text
    return "".join(f"⟦{ch}⟧" if conf < threshold else ch for ch, conf in zip(word.text, word.char_confidences))
