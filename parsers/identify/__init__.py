"""Identification, on built tables: which report (预算/决算, department, year), which kind
each table is (``kinds`` by title, ``classify`` by structure), chart data (``chart``), and
whether a document is a report at all (``sniff``); ``identification`` runs the stage.
"""
