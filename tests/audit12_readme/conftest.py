"""The small demo store, copied for one test: measurements write their derived tables into
the store they read, and the session's demo store is shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture()
def demo_copy(demo_store: Path, tmp_path: Path) -> Path:
    store = tmp_path / "s.duckdb"
    shutil.copy(demo_store, store)
    return store
