"""One PDF page read with PDFium: its characters and its ruling edges, in display coordinates.

PDFium (``pypdfium2``, already installed with pdfplumber) parses a page in C, tens of times
faster than pdfminer, and does not loop on damaged streams. This module is the only code
that talks to it. Everything it returns is plain data in PDF points measured from the
top-left corner of the page *as displayed* (``/Rotate`` applied), the frame pdfplumber uses.

Characters keep PDFium's *loose* box: its height comes from the font's ascent and descent
around the character's origin on the baseline, not from the glyph outline. Glyph boxes of
CJK fonts can sit several points above the digits of the same printed line; loose boxes of
one line share their baseline, so rows built from them are the printed rows. A font whose
ascent claims far more than its em (a CJK box 2.75 em tall above the baseline) would make
one line's boxes reach into the line above: the boxes of such a font are cut to an em around
their baseline.
"""

from __future__ import annotations

import ctypes
from array import array
from dataclasses import dataclass
from typing import NamedTuple

from parsers.read import pdfium_library as pdfium

_SCALE = 1000.0  # FPDF_PageToDevice returns integers: map to a 1000× device, divide back
_ORTHOGONAL = 0.5  # a segment whose ends differ by less than this (points) across its axis is a rule


class Glyph(NamedTuple):
    """One printed character in display coordinates (points, origin top-left). A tuple: a
    report has hundreds of thousands, and ``tuple.__new__(Glyph, …)`` makes one in C."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


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


Matrix = tuple[float, float, float, float, float, float]  # PDF order: x' = a·x + c·y + e, y' = b·x + d·y + f
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FsMatrix = ctypes.c_float * 6  # PDFium's FS_MATRIX: a, b, c, d, e, f


def _display_matrix(page: int, width: float, height: float) -> Matrix:
    """Page user space → display space (``/Rotate`` and the flip to a top-left origin), taken
    from FPDF_PageToDevice."""

    def device(x: float, y: float) -> tuple[float, float]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium.page_to_device(
            page, 0, 0, round(width * _SCALE), round(height * _SCALE), 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        return dx.value / _SCALE, dy.value / _SCALE

    ox, oy = device(0.0, 0.0)
    ax, ay = device(100.0, 0.0)
    bx, by = device(0.0, 100.0)
    return (ax - ox) / 100, (ay - oy) / 100, (bx - ox) / 100, (by - oy) / 100, ox, oy


def read_page(document: int, index: int) -> PageContent:
    """Page ``index`` (0-based) of an open document (``pdfium_library.open_document``)."""
    page = pdfium.load_page(document, index)
    try:
        width, height = pdfium.page_width(page), pdfium.page_height(page)
        display = _display_matrix(page, width, height)
        textpage = pdfium.load_text_page(page)
        try:
            glyphs = _glyphs(textpage, display, width, height)
            paths, unmeasured = _scan_objects(page, textpage)
        finally:
            pdfium.close_text_page(textpage)
        edges = _edges(paths, display, width, height)
    finally:
        pdfium.close_page(page)
    return PageContent(index + 1, width, height, glyphs, edges, unmeasured)


def pictures_cover(document: int, index: int, share: float) -> bool:
    """Whether pictures cover ``share`` of page ``index``: a page without text that is mostly
    picture is a scan. Pictures are image objects on the page and one Form XObject deep, where
    scanners and converters put them."""
    page = pdfium.load_page(document, index)
    try:
        width, height = pdfium.page_width(page), pdfium.page_height(page)
        covered = 0.0
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        for obj in (obj for obj, kind, _ in _page_objects(page, forms_deep=1) if kind == _IMAGE):
            if not pdfium.object_bounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
                raise pdfium.PdfiumError("Failed to locate pageobject.")
            covered += max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
    finally:
        pdfium.close_page(page)
    return covered >= share * width * height


def _glyphs(textpage: int, display: Matrix, width: float, height: float) -> list[Glyph]:
    count = pdfium.count_chars(textpage)
    if count <= 0:
        return []
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium.get_text(textpage, 0, count, buffer)
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    raw = textpage
    # Every character's loose box, written by PDFium straight into one array (left, top, right,
    # bottom per character): one C call each, no ctypes object per call.
    boxes = (ctypes.c_float * (4 * count))()
    loose_box, new_tuple, byref, handle = pdfium.loose_char_box, tuple.__new__, ctypes.byref, ctypes.c_void_p(raw)
    measured = [loose_box(handle, index, byref(boxes, 16 * index)) for index in range(count)]
    values = iter(array("f", bytes(boxes)).tolist())
    a, b, c, d, e, f = display
    upright = (a, b, c, d) == (1.0, 0.0, 0.0, -1.0)  # most pages: x kept, y flipped about the top
    glyphs: list[Glyph] = []
    indexes: list[int] = []  # each glyph's character index on the text page
    tall: dict[float, float] = {}  # box height of an ideograph far taller than wide → its em (width)
    for index, (char, has_box, left, top, right, bottom) in enumerate(zip(text, measured, values, values, values, values)):
        if not has_box or char in _NOT_PRINTED or (char == " " and pdfium.is_generated(raw, index)):
            continue
        # the box's two corners in display space, inlined (this loop runs for every character);
        # an upright page's terms that are 1·x or 0·y are left out (the same floats)
        if upright:
            xa, ya, xb, yb = left + e, f - top, right + e, f - bottom
        else:
            xa, ya = a * left + c * top + e, b * left + d * top + f
            xb, yb = a * right + c * bottom + e, b * right + d * bottom + f
        x0, x1 = (xa, xb) if xa < xb else (xb, xa)
        y0, y1 = (ya, yb) if ya < yb else (yb, ya)
        if x1 < 0 or y0 > height or x0 > width or y1 < 0:
            continue  # printed off the page: invisible
        if y1 - y0 > _TALL * (x1 - x0) > 0 and "\u4e00" <= char <= "\u9fff":
            tall.setdefault(next((h for h in tall if abs(y1 - y0 - h) <= 0.03 * h), y1 - y0), x1 - x0)
        glyphs.append(new_tuple(Glyph, (char, x0, y0, x1, y1)))
        indexes.append(index)
    if tall:
        glyphs = [_around_baseline(raw, i, g, display, tall) for g, i in zip(glyphs, indexes)]
    hidden = _clipped_away(raw, glyphs, indexes)
    return [g for i, g in enumerate(glyphs) if i not in hidden] if hidden else glyphs


_TALL = 1.6  # a CJK ideograph is about one em wide and, in an honest font, about one em tall


def _around_baseline(textpage: int, index: int, glyph: Glyph, display: Matrix, tall: dict[float, float]) -> Glyph:
    """A glyph of an over-tall font (its box as tall as an ideograph's that is far taller than
    wide: same font, same size) cut to an em above its baseline and a little below: where the
    line it is printed on lies, whatever ascent the font claims."""
    height = glyph.bottom - glyph.top
    em = next((em for tall_height, em in tall.items() if abs(height - tall_height) <= 0.03 * tall_height), None)
    x, y = ctypes.c_double(), ctypes.c_double()
    if em is None or not pdfium.char_origin(textpage, index, ctypes.byref(x), ctypes.byref(y)):
        return glyph
    baseline = display[1] * x.value + display[3] * y.value + display[5]
    top, bottom = max(glyph.top, baseline - 1.1 * em), min(glyph.bottom, baseline + 0.3 * em)
    return Glyph(glyph.text, glyph.x0, top, glyph.x1, bottom) if top < bottom else glyph


def _clipped_away(textpage: int, glyphs: list[Glyph], indexes: list[int]) -> set[int]:
    """Glyphs drawn where another glyph is printed, and cut away by their clip path.

    Spreadsheet exports draw every line of a wrapped cell and clip it to the cell, so the
    second line of a name ("…管理事务" / "支出") is drawn, invisibly, over the text of the
    row below. Only the text objects of glyphs that overlap another are looked at: reading
    every object's clip path would cost more than reading the page.
    """
    hidden: set[int] = set()
    checked: set[int] = set()
    x, y = ctypes.c_double(), ctypes.c_double()
    for suspect in _overlapping(glyphs):
        obj = pdfium.char_object(textpage, indexes[suspect]) or 0
        clip = _clip_box(obj) if suspect not in checked else None
        if clip is None:
            continue
        for step in (-1, 1):  # the object's other glyphs sit next to it in text order
            i = suspect if step == 1 else suspect - 1
            while 0 <= i < len(glyphs) and (pdfium.char_object(textpage, indexes[i]) or 0) == obj:
                checked.add(i)
                if pdfium.char_origin(textpage, indexes[i], ctypes.byref(x), ctypes.byref(y)):
                    if not (clip[0] - 1 <= x.value <= clip[2] + 1 and clip[1] - 1 <= y.value <= clip[3] + 1):
                        hidden.add(i)
                i += step
    return hidden


def _overlapping(glyphs: list[Glyph]) -> list[int]:
    """Indexes of run-starting glyphs less than a line's height from another run's first glyph.

    A cell's lines all start at its left padding, so a line spilling into the cell below
    starts exactly where that cell's own text does. Only the first glyph of each run of
    text is looked at (the rest follow their neighbour in text order); they are keyed by
    their left edge (to half a point) and an 8 pt band of their top, and compared with
    their band and the two next to it.
    """
    bands: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
    found: set[int] = set()
    get = bands.get
    previous_x1, previous_top = -1e9, -1e9
    for i, (_, x0, top, x1, bottom) in enumerate(glyphs):
        follows = previous_x1 - 1 <= x0 <= previous_x1 + 2 and -2 <= top - previous_top <= 2
        previous_x1, previous_top = x1, top
        if follows:
            continue
        column, band = round(x0 * 2), int(top) >> 3
        for key in ((column, band - 1), (column, band), (column, band + 1)):
            for other_top, other_bottom, j in get(key, ()):
                if abs(top - other_top) < bottom - top:  # closer than a line's height: one is not where it seems
                    found.add(i)
                    found.add(j)
        entry = (top, bottom, i)
        same = get((column, band))
        if same is None:
            bands[(column, band)] = [entry]
        else:
            same.append(entry)
    return sorted(found)


_NOT_PRINTED = frozenset("\r\n\x00\x02\ufffe\uffff")


def _clip_box(obj: int) -> tuple[float, float, float, float] | None:
    """The bounding box of a text object's clip path, in page space, when it cuts the object.

    Spreadsheet exports draw a wrapped cell's every line and clip it to the cell, so the second
    line of a name ("…管理事务" / "支出") is drawn, invisibly, inside the row below. A clip
    far from the object's own bounds is in some other space (a form's) and is not trusted.
    """
    if not obj:
        return None
    clip = pdfium.clip_path(obj)
    if not clip:
        return None
    xs: list[float] = []
    ys: list[float] = []
    px, py = ctypes.c_float(), ctypes.c_float()
    for path in range(pdfium.clip_paths(clip)):
        for index in range(pdfium.clip_segments(clip, path)):
            segment = pdfium.clip_segment(clip, path, index)
            if segment and pdfium.segment_point(segment, ctypes.byref(px), ctypes.byref(py)):
                xs.append(px.value)
                ys.append(py.value)
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not xs or not pdfium.object_bounds(obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)):
        return None
    box = (min(xs), min(ys), max(xs), max(ys))
    inside = box[0] <= left.value and right.value <= box[2] and box[1] <= bottom.value and top.value <= box[3]
    near = box[0] - _NEAR < right.value and left.value < box[2] + _NEAR and box[1] - _NEAR < top.value and bottom.value < box[3] + _NEAR
    return None if inside or not near else box


_NEAR = 20.0  # points: a clip this close to its object is in the same space (bounds of an unmeasured font have no height)


def _scan_objects(page: int, textpage: int) -> tuple[list[tuple[int, Matrix]], bool]:
    """The page's path objects (with the matrix of their enclosing forms), and whether PDFium
    lost text on it.

    PDFium decodes text through the font; with no metrics for a symbolic font that is not
    embedded (a CJK CID font, say) it returns nothing for some text objects: those characters
    are lost. An empty object in any other font is a space or a glyph with no character.
    """
    paths = []
    lost = False
    lossy: dict[int, bool] = {}  # font handle → may lose text; a page has few fonts and many text objects
    text_font = pdfium.text_font  # called for every text object of the page
    for obj, kind, frame in _page_objects(page):
        if kind == _TEXT:
            if not lost:
                font = text_font(obj)
                may_lose = lossy.get(font)
                if may_lose is None:
                    may_lose = lossy[font] = _may_lose_text(font)
                # the length counts the UTF-16 NUL
                lost = may_lose and pdfium.text_length(obj, textpage, None, 0) <= 2
        elif kind == _PATH:
            paths.append((obj, frame))
    return paths, lost


_PATH, _TEXT, _IMAGE, _FORM = pdfium.PATH_OBJECT, pdfium.TEXT_OBJECT, pdfium.IMAGE_OBJECT, pdfium.FORM_OBJECT
_NONSYMBOLIC = 1 << 5  # font descriptor flag: the font's characters are in the standard Latin set


def _may_lose_text(font: int) -> bool:
    """A font PDFium may not decode: not embedded, and not declared Latin.

    A non-embedded font flagged nonsymbolic is decoded through the standard encodings and
    drawn with PDFium's built-in Latin fonts, so nothing is lost (the real reports' empty
    Times New Roman and Arial objects are spaces). A CJK font is symbolic by definition.
    """
    if pdfium.font_embedded(font):
        return False
    flags = pdfium.font_flags(font)
    return flags < 0 or not flags & _NONSYMBOLIC


def _edges(paths: list[tuple[int, Matrix]], display: Matrix, width: float, height: float) -> list[dict]:
    """Horizontal and vertical segments of every visible path, clipped to the page."""
    edges: list[dict] = []
    matrix = _FsMatrix()
    matrix_ref = ctypes.byref(matrix)
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fill_ref, stroke_ref = ctypes.byref(fill), ctypes.byref(stroke)
    for obj, frame in paths:
        pdfium.draw_mode(obj, fill_ref, stroke_ref)
        if not fill.value and not stroke.value:
            continue  # a clipping or invisible path draws nothing
        pdfium.object_matrix(obj, matrix_ref)
        own = tuple(matrix)
        to_display = _compose(own if frame is _IDENTITY else _compose(own, frame), display)
        for (x0, y0), (x1, y1) in _segments(obj, to_display):
            edge = _edge(x0, y0, x1, y1, width, height)
            if edge is not None:
                edges.append(edge)
    return edges


_FORMS_DEEP = 9  # forms may nest; a cycle in a damaged file must not recurse forever


def _page_objects(page: int, forms_deep: int = _FORMS_DEEP):
    """(object, type, matrix of the enclosing forms) for every object, form XObjects opened up
    to ``forms_deep`` levels."""
    get_object, object_type = pdfium.get_object, pdfium.object_type  # a page has hundreds of objects
    for i in range(pdfium.count_objects(page)):
        obj = get_object(page, i)
        kind = object_type(obj)
        if kind == _FORM:
            yield from _form_objects(obj, _IDENTITY, 1, forms_deep)
        else:
            yield obj, kind, _IDENTITY


def _form_objects(form: int, outer: Matrix, depth: int, forms_deep: int):
    if depth > forms_deep:
        return
    matrix = _FsMatrix()
    pdfium.object_matrix(form, ctypes.byref(matrix))
    frame = _compose(tuple(matrix), outer)
    for i in range(pdfium.form_count(form)):
        obj = pdfium.form_object(form, i)
        kind = pdfium.object_type(obj)
        if kind == _FORM:
            yield from _form_objects(obj, frame, depth + 1, forms_deep)
        else:
            yield obj, kind, frame


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies ``inner`` first, then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _segments(obj: int, m: Matrix) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Straight segments of a path, mapped by ``m`` (curves are never table rules)."""
    a, b, c, d, e, f = m
    out = []
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.addressof(x), ctypes.addressof(y)
    get_segment, segment_point, segment_type, segment_closes = (  # called for every segment of every path
        pdfium.get_segment, pdfium.segment_point, pdfium.segment_type, pdfium.segment_closes
    )
    start = previous = None
    for i in range(pdfium.count_segments(obj)):
        segment = get_segment(obj, i)
        segment_point(segment, x_ref, y_ref)
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
        kind = segment_type(segment)
        if kind == _MOVETO:
            start = point
        elif kind == _LINETO and previous is not None:
            out.append((previous, point))
        previous = point
        if segment_closes(segment) and start is not None and start != point:
            out.append((point, start))
    return out


_MOVETO, _LINETO = pdfium.MOVETO, pdfium.LINETO


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
