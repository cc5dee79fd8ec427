"""One PDF page read with PDFium: its characters and its ruling edges, in display coordinates.

PDFium (``pypdfium2``, already installed with pdfplumber) parses a page in C, tens of times
faster than pdfminer, and does not loop on damaged streams. This module is the only code
that talks to it. Everything it returns is plain data in PDF points measured from the
top-left corner of the page *as displayed* (``/Rotate`` applied), the frame pdfplumber uses.

Characters keep PDFium's *loose* box: its height comes from the font's ascent and descent
around the character's origin on the baseline, not from the glyph outline. Glyph boxes of
CJK fonts can sit several points above the digits of the same printed line; loose boxes of
one line share their baseline, so rows built from them are the printed rows.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_SCALE = 1000.0  # FPDF_PageToDevice returns integers: map to a 1000× device, divide back
_ORTHOGONAL = 0.5  # a segment whose ends differ by less than this (points) across its axis is a rule


@dataclass(slots=True)
class Glyph:
    """One printed character in display coordinates (points, origin top-left)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    x_mid: float = 0.0
    y_mid: float = 0.0

    def __post_init__(self) -> None:
        self.x_mid = (self.x0 + self.x1) / 2
        self.y_mid = (self.top + self.bottom) / 2


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    glyphs: list[Glyph]
    edges: list[dict]  # pdfplumber edge dicts, ready for pdfplumber.table
    unmeasured_fonts: bool = False  # PDFium lost some text (a font it cannot decode): read this page with pdfminer

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)


class _Transform:
    """Page user space → display space, as an affine map taken from FPDF_PageToDevice."""

    def __init__(self, page: pdfium.PdfPage, width: float, height: float) -> None:
        def device(x: float, y: float) -> tuple[float, float]:
            dx, dy = ctypes.c_int(), ctypes.c_int()
            pdfium_c.FPDF_PageToDevice(
                page.raw, 0, 0, round(width * _SCALE), round(height * _SCALE), 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
            )
            return dx.value / _SCALE, dy.value / _SCALE

        ox, oy = device(0.0, 0.0)
        ax, ay = device(100.0, 0.0)
        bx, by = device(0.0, 100.0)
        self.a, self.b = (ax - ox) / 100, (ay - oy) / 100  # d(display)/d(user x)
        self.c, self.d = (bx - ox) / 100, (by - oy) / 100  # d(display)/d(user y)
        self.e, self.f = ox, oy

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def box(self, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
        x1, y1 = self.point(left, top)
        x2, y2 = self.point(right, bottom)
        return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def read_page(document: pdfium.PdfDocument, index: int) -> PageContent:
    page = document[index]
    try:
        width, height = page.get_size()
        transform = _Transform(page, width, height)
        textpage = page.get_textpage()
        try:
            glyphs = _glyphs(textpage, transform, width, height)
            paths, unmeasured = _scan_objects(page.raw, textpage.raw)
        finally:
            textpage.close()
        edges = _edges(paths, transform, width, height)
    finally:
        page.close()
    return PageContent(index + 1, width, height, glyphs, edges, unmeasured)


def _glyphs(textpage: pdfium.PdfTextPage, transform: _Transform, width: float, height: float) -> list[Glyph]:
    count = pdfium_c.FPDFText_CountChars(textpage.raw)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium_c.FPDFText_GetText(textpage.raw, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    generated = pdfium_c.FPDFText_IsGenerated
    raw = textpage.raw
    glyphs: list[Glyph] = []
    for index, char in enumerate(text):
        if char in "\r\n\x00\x02\ufffe\uffff" or (char == " " and generated(raw, index)):
            continue
        if not loose_box(raw, index, rect_ref):
            continue
        x0, top, x1, bottom = transform.box(rect.left, rect.top, rect.right, rect.bottom)
        if x1 < 0 or top > height or x0 > width or bottom < 0:
            continue  # printed off the page: invisible
        glyphs.append(Glyph(char, x0, top, x1, bottom))
    return glyphs


def _scan_objects(page_raw, textpage_raw) -> tuple[list, bool]:
    """The page's path objects, and whether PDFium lost text on it.

    PDFium decodes text through the font; with no metrics for a symbolic font that is not
    embedded (a CJK CID font, say) it returns nothing for some text objects: those characters
    are lost. An empty object in any other font is a space or a glyph with no character.
    """
    paths = []
    lost = False
    lossy: dict[int, bool] = {}  # font handle → may lose text; a page has few fonts and many text objects
    for obj, kind, frame in _page_objects(page_raw):
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths.append((obj, frame))
        elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT and not lost:
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            handle = ctypes.cast(font, ctypes.c_void_p).value or 0
            if handle not in lossy:
                lossy[handle] = _may_lose_text(font)
            # the length counts the UTF-16 NUL
            lost = lossy[handle] and pdfium_c.FPDFTextObj_GetText(obj, textpage_raw, None, 0) <= 2
    return paths, lost


_NONSYMBOLIC = 1 << 5  # font descriptor flag: the font's characters are in the standard Latin set


def _may_lose_text(font) -> bool:
    """A font PDFium may not decode: not embedded, and not declared Latin.

    A non-embedded font flagged nonsymbolic is decoded through the standard encodings and
    drawn with PDFium's built-in Latin fonts, so nothing is lost (the real reports' empty
    Times New Roman and Arial objects are spaces). A CJK font is symbolic by definition.
    """
    if pdfium_c.FPDFFont_GetIsEmbedded(font):
        return False
    flags = pdfium_c.FPDFFont_GetFlags(font)
    return flags < 0 or not flags & _NONSYMBOLIC


def _edges(paths: list, transform: _Transform, width: float, height: float) -> list[dict]:
    """Horizontal and vertical segments of every visible path, clipped to the page."""
    edges: list[dict] = []
    matrix = pdfium_c.FS_MATRIX()
    for obj, frame in paths:
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
        if not fill.value and not stroke.value:
            continue  # a clipping or invisible path draws nothing
        pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
        own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
        for (xa, ya), (xb, yb) in _segments(obj, own if frame is _IDENTITY else _compose(own, frame)):
            (x0, y0), (x1, y1) = transform.point(xa, ya), transform.point(xb, yb)
            edge = _edge(x0, y0, x1, y1, width, height)
            if edge is not None:
                edges.append(edge)
    return edges


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Matrix = tuple[float, float, float, float, float, float]


def _page_objects(page_raw):
    """(object, type, matrix of the enclosing forms) for every object, form XObjects opened up."""
    for i in range(pdfium_c.FPDFPage_CountObjects(page_raw)):
        obj = pdfium_c.FPDFPage_GetObject(page_raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(obj, _IDENTITY, 0)
        else:
            yield obj, kind, _IDENTITY


def _form_objects(form, outer: Matrix, depth: int):
    if depth > 8:  # forms may nest; a cycle in a damaged file must not recurse forever
        return
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(form, ctypes.byref(matrix))
    frame = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
    for i in range(pdfium_c.FPDFFormObj_CountObjects(form)):
        obj = pdfium_c.FPDFFormObj_GetObject(form, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _form_objects(obj, frame, depth + 1)
        else:
            yield obj, kind, frame


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _segments(obj, m: Matrix) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Straight segments of a path in page user space (curves are never table rules)."""
    a, b, c, d, e, f = m
    out = []
    x, y = ctypes.c_float(), ctypes.c_float()
    start = previous = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            out.append((previous, point))
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and start != point:
            out.append((point, start))
    return out


def _edge(x0: float, y0: float, x1: float, y1: float, width: float, height: float) -> dict | None:
    if abs(y1 - y0) < _ORTHOGONAL:
        top = min(max((y0 + y1) / 2, 0.0), height)  # a box running off the page is closed by the page edge
        left, right = max(0.0, min(x0, x1)), min(width, max(x0, x1))
        if right <= left:
            return None
        return {
            "x0": left, "x1": right, "top": top, "bottom": top, "doctop": top,
            "width": right - left, "height": 0.0, "orientation": "h", "object_type": "line",
        }
    if abs(x1 - x0) < _ORTHOGONAL:
        x = min(max((x0 + x1) / 2, 0.0), width)  # a box running off the page is closed by the page edge
        top, bottom = max(0.0, min(y0, y1)), min(height, max(y0, y1))
        if bottom <= top:
            return None
        return {
            "x0": x, "x1": x, "top": top, "bottom": bottom, "doctop": top,
            "width": 0.0, "height": bottom - top, "orientation": "v", "object_type": "line",
        }
    return None
