"""The user's kemu settings: ``$XDG_CONFIG_HOME/kemu`` (default ``~/.config/kemu``).

``config.toml`` may set ``user`` (who the review operations are recorded as) and ``lang``
(interface language); ``catalog.toml`` beside it adds or overrides 科目 (docs/catalog.md).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any


def config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "kemu"


def settings() -> dict[str, Any]:
    """config.toml as a dict; empty when it is missing or unreadable (settings only add comfort)."""
    try:
        return tomllib.loads((config_dir() / "config.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
