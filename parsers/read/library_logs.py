"""The PDF libraries' own log lines, kept off the user's terminal.

pdfminer logs a line per damaged stream ("Data-loss while decompressing corrupted data");
kemu says what came of the file in one sentence instead. ``KEMU_DEBUG`` keeps the lines.
Called where a reader loads one of these libraries, so that reading a text PDF with PDFium
alone never loads ``logging`` (start-up).
"""

from __future__ import annotations

import logging
import os

READER_LOGGERS = ("pdfminer", "pdfplumber", "pypdfium2")


def quiet_reader_logs() -> None:
    if not os.environ.get("KEMU_DEBUG"):
        for name in READER_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
