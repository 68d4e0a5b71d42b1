"""Where the store is when no ``--store`` is given: a module of its own, so that the command
line can name it without importing DuckDB (``mutewatch --help`` loads no database)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STORE = "mutewatch.duckdb"


def default_store_path() -> Path:
    """``$MUTEWATCH_STORE``, else ``mutewatch.duckdb`` in the working folder."""
    return Path(os.environ.get("MUTEWATCH_STORE", DEFAULT_STORE))
