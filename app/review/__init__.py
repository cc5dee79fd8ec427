"""Review: the session that applies a reviewer's operations to a report (``session``), the operations
and the rules every one passes (``operations``), the sidecars that keep them (``sidecar``), the scripted
review commands (``commands``), the printed page region of a cell (``page_image``).
"""
