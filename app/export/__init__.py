"""Export: tidy facts of reviewed reports (``facts``, ``formats``), streamed over folders
(``batch``); ``triage`` orders reports by review need; ``survey`` is corpus health; ``commands`` the CLI.
"""
