"""Matching: every row to its 科目 in the catalog (``matcher``; the catalog in ``catalog/``).
"""
