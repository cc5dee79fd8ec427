"""Tables: lines become table segments (``segment``), a segment becomes a ``Table`` (``grid``,
with ``geometry`` for unruled columns, ``headers`` for label paths, ``columns`` for keys).
"""
