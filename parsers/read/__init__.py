"""Reading: a file becomes pages of positioned lines (``layout.SourceDocument``).

``source`` sniffs the content and dispatches: PDFs through PDFium (``pdf``, ``pdfium_page``; pdfminer
for the pages PDFium cannot decode), text dumps (``text``), scanned pages (``ocr/``).
"""
