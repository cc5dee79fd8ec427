"""OCR of scanned pages (the optional ``ocr`` extra): ``scan`` renders and reads them;
``engine``, ``rulings``, ``digits`` recognise words, ruled cells and amounts; ``cache`` keeps readings.
"""
