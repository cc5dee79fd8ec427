"""Errors a user can act on. Anything kemu cannot read becomes one of these, never a traceback."""


class UnreadableReport(Exception):
    """The input cannot be read as a report; the message says why in one sentence."""


class NoTextLayer(UnreadableReport):
    """A PDF whose pages carry no text: a scan. OCR (the optional extra) can read it."""
