"""The reading's evidence: how far kemu's own redundancy (coverage, sums, identities, structure)
backs each table it read (``evidence``), the choice between readings (``reading``), and the sums the checks
share (``sums``).
"""
