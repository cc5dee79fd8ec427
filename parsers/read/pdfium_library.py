"""The PDFium library that pypdfium2 ships, opened with ctypes for the calls the text reader makes.

Importing pypdfium2 costs a cold ``kemu extract`` more than reading a small report does: its
generated bindings declare every PDFium function (and bring ``ctypes.util``, with
``subprocess`` and ``shutil``), and its helpers load ``typing``, ``argparse`` and ``uuid``.
The text reader makes about thirty calls, declared here with handles as plain integers (a
ctypes pointer object per returned handle would cost more than the call). The library file is
the one pypdfium2 loads, so the process holds one PDFium: the OCR path, which renders pages,
still goes through pypdfium2 and meets the same library, already initialised.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import c_char_p, c_double, c_float, c_int, c_uint, c_ulong, c_void_p
from importlib.util import find_spec
from pathlib import Path

#: FPDF_GetLastError codes as PDFium names them (pypdfium2 words its errors the same way).
_ERRORS = {
    0: "Success",
    1: "Unknown error",
    2: "File access error",
    3: "Data format error",
    4: "Incorrect password error",
    5: "Unsupported security scheme error",
    6: "Page not found or content error",
}
ERROR_PASSWORD = 4

#: Page object types and path segment types (fpdf_edit.h).
TEXT_OBJECT, PATH_OBJECT, IMAGE_OBJECT, FORM_OBJECT = 1, 2, 3, 5
LINETO, MOVETO = 0, 2


class PdfiumError(Exception):
    """PDFium could not open a document or one of its pages; ``code`` is FPDF_GetLastError's."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class _LibraryConfig(ctypes.Structure):
    """FPDF_LIBRARY_CONFIG, version 2: the stable fields, all left empty."""

    _fields_ = (("version", c_int), ("user_font_paths", c_void_p), ("isolate", c_void_p), ("v8_embedder_slot", c_uint))


def _library_path() -> str:
    """The PDFium file beside pypdfium2_raw (found without importing it), else the one its
    bindings loaded (a pypdfium2 built against a system PDFium)."""
    spec = find_spec("pypdfium2_raw")
    folder = Path((spec.submodule_search_locations or [""])[0]) if spec else None
    prefix, suffix = ("", "dll") if sys.platform.startswith(("win32", "cygwin", "msys")) else (
        ("lib", "dylib") if sys.platform.startswith(("darwin", "ios")) else ("lib", "so")
    )
    if folder is not None and (folder / f"{prefix}pdfium.{suffix}").is_file():
        return str(folder / f"{prefix}pdfium.{suffix}")
    from pypdfium2_raw.bindings import _libs

    return _libs["pdfium"]._name


_library = ctypes.CDLL(_library_path())


def _function(name: str, restype, *argtypes):
    function = getattr(_library, name)
    function.restype, function.argtypes = restype, argtypes
    return function


_P, _INT = c_void_p, c_int
_function("FPDF_InitLibraryWithConfig", None, _P)(ctypes.byref(_LibraryConfig(version=2)))  # once per process: PDFium ignores a second call

_load_document = _function("FPDF_LoadDocument", _P, c_char_p, c_char_p)
_last_error = _function("FPDF_GetLastError", c_ulong)
close_document = _function("FPDF_CloseDocument", None, _P)
page_count = _function("FPDF_GetPageCount", _INT, _P)
_load_page = _function("FPDF_LoadPage", _P, _P, _INT)
close_page = _function("FPDF_ClosePage", None, _P)
page_width = _function("FPDF_GetPageWidthF", c_float, _P)
page_height = _function("FPDF_GetPageHeightF", c_float, _P)
page_to_device = _function("FPDF_PageToDevice", _INT, _P, _INT, _INT, _INT, _INT, _INT, c_double, c_double, _P, _P)
_load_text_page = _function("FPDFText_LoadPage", _P, _P)
close_text_page = _function("FPDFText_ClosePage", None, _P)
count_chars = _function("FPDFText_CountChars", _INT, _P)
get_text = _function("FPDFText_GetText", _INT, _P, _INT, _INT, _P)
#: FPDFText_GetLooseCharBox(text page, index, FS_RECTF*), called for every character of a
#: report: left without argtypes and called with a c_void_p, an int and a byref(array, offset),
#: which ctypes passes as they are (a quarter cheaper than converting three declared arguments).
loose_char_box = _library.FPDFText_GetLooseCharBox
loose_char_box.restype = c_int
is_generated = _function("FPDFText_IsGenerated", _INT, _P, _INT)
char_object = _function("FPDFText_GetTextObject", _P, _P, _INT)
char_origin = _function("FPDFText_GetCharOrigin", _INT, _P, _INT, _P, _P)
count_objects = _function("FPDFPage_CountObjects", _INT, _P)
get_object = _function("FPDFPage_GetObject", _P, _P, _INT)
form_count = _function("FPDFFormObj_CountObjects", _INT, _P)
form_object = _function("FPDFFormObj_GetObject", _P, _P, c_ulong)
object_type = _function("FPDFPageObj_GetType", _INT, _P)
object_matrix = _function("FPDFPageObj_GetMatrix", _INT, _P, _P)
object_bounds = _function("FPDFPageObj_GetBounds", _INT, _P, _P, _P, _P, _P)
text_font = _function("FPDFTextObj_GetFont", _P, _P)
text_length = _function("FPDFTextObj_GetText", c_ulong, _P, _P, _P, c_ulong)
font_embedded = _function("FPDFFont_GetIsEmbedded", _INT, _P)
font_flags = _function("FPDFFont_GetFlags", _INT, _P)
draw_mode = _function("FPDFPath_GetDrawMode", _INT, _P, _P, _P)
count_segments = _function("FPDFPath_CountSegments", _INT, _P)
get_segment = _function("FPDFPath_GetPathSegment", _P, _P, _INT)
segment_point = _function("FPDFPathSegment_GetPoint", _INT, _P, _P, _P)
segment_type = _function("FPDFPathSegment_GetType", _INT, _P)
segment_closes = _function("FPDFPathSegment_GetClose", _INT, _P)
clip_path = _function("FPDFPageObj_GetClipPath", _P, _P)
clip_paths = _function("FPDFClipPath_CountPaths", _INT, _P)
clip_segments = _function("FPDFClipPath_CountPathSegments", _INT, _P, _INT)
clip_segment = _function("FPDFClipPath_GetPathSegment", _P, _P, _INT, _INT)


def open_document(path: Path) -> int:
    """The document's handle; PdfiumError when PDFium cannot open it (its reason in PDFium's words)."""
    document = _load_document(str(path).encode("utf-8"), None)
    if not document or page_count(document) < 1:
        code = _last_error()
        if document:
            close_document(document)
        raise PdfiumError(f"Failed to load document (PDFium: {_ERRORS.get(code, f'Error {code}')}).", code)
    return document


def load_page(document: int, index: int) -> int:
    page = _load_page(document, index)
    if not page:
        raise PdfiumError("Failed to load page.")
    return page


def load_text_page(page: int) -> int:
    textpage = _load_text_page(page)
    if not textpage:
        raise PdfiumError("Failed to load text page.")
    return textpage
