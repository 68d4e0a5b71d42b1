"""Fixtures of the second set of session-18 moderator page tests: tests/s18_moderate's, run
from its file (the folders it puts on sys.path for the page helpers and tests/
moderate_s11_page's headless Chromium, and its ``live`` server on 127.0.0.1: a DuckDB
store file, the two-clause policy, article a1, moderators ``mod`` and ``mod2``, a viewer)."""

from __future__ import annotations

import runpy
from pathlib import Path

_S18M = Path(__file__).resolve().parents[1] / "s18_moderate" / "conftest.py"
live = runpy.run_path(str(_S18M))["live"]
__all__ = ["live"]
