"""The printed page behind a cell, as a picture: the reviewer's final authority.

``cell_picture`` renders the band of the page around a cell (the whole width, so the row's
printed name is in it, and a little above and below) with the cell's box drawn in red, at
the resolution OCR reads scans (digits legible), and saves it as a PNG. A scanned page is
turned upright as OCR saw it, so the box sits where the reading came from
(``parsers.read.ocr.view.page_crop``). ``open_in_viewer`` hands the file to the system's viewer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from parsers.model import Provenance

CONTEXT = 48.0  # points above and below the cell: the neighbouring rows
WHOLE = 100_000.0  # "to the edge of the page": the crop is clamped to the page
BOX = (220, 0, 0)
BOX_WIDTH = 3  # pixels


class NoPicture(Exception):
    """The cell has no page to show (a text report, or a page beyond the file)."""


def cell_picture(source: Path, provenance: Provenance, folder: Path, sha256: str | None = None) -> Path:
    """A PNG in ``folder`` of the page band around ``provenance`` with its box drawn (the whole
    page, without a box, for a cell known only by its line)."""
    from PIL import ImageDraw

    from parsers.read.ocr.scan import OcrSettings
    from parsers.read.ocr.view import page_crop

    if Path(source).suffix.lower() != ".pdf":
        raise NoPicture(f"{Path(source).name} is a text report: it has no printed page to show")
    settings = OcrSettings()
    bbox = provenance.bbox
    region = (0.0, max(0.0, bbox[1] - CONTEXT), WHOLE, bbox[3] + CONTEXT) if bbox else (0.0, 0.0, WHOLE, WHOLE)
    try:
        image = page_crop(source, provenance.page, region, margin=0.0, settings=settings, sha256=sha256)
    except IndexError as exc:
        raise NoPicture(f"{Path(source).name} has no page {provenance.page}") from exc
    if bbox:
        scale = settings.dpi / 72
        x0, top, x1, bottom = bbox
        box = ((x0 - 2) * scale, (top - 2 - region[1]) * scale, (x1 + 2) * scale, (bottom + 2 - region[1]) * scale)
        ImageDraw.Draw(image).rectangle(box, outline=BOX, width=BOX_WIDTH)
    folder.mkdir(parents=True, exist_ok=True)
    where = f"-{int(bbox[0])}-{int(bbox[1])}" if bbox else ""
    path = folder / f"{Path(source).stem}-p{provenance.page}{where}.png"
    image.save(path)
    return path


def viewer() -> list[str] | None:
    """The command that opens a file with the system's viewer (None: there is none)."""
    if sys.platform == "darwin":
        return ["open"]
    if sys.platform == "win32":
        return ["explorer"]
    command = shutil.which("xdg-open")
    return [command] if command else None


def open_in_viewer(path: Path) -> bool:
    """Open ``path`` with the system's viewer, detached (the workbench keeps the terminal);
    False when there is no viewer to open it with."""
    command = viewer()
    if command is None:
        return False
    subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=os.environ.copy())
    return True
