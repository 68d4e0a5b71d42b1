"""Fixtures of the session-19 moderator page tests: tests/s18_moderate's, run from its file
(the folders it puts on sys.path for the page helpers and tests/moderate_s11_page's headless
Chromium, and its ``live`` server on 127.0.0.1: a DuckDB store file, the two-clause policy,
article a1, moderators ``mod`` and ``mod2``, a viewer)."""

from __future__ import annotations

import runpy
from pathlib import Path

live = runpy.run_path(str(Path(__file__).resolve().parents[1] / "s18_moderate" / "conftest.py"))[
    "live"
]
__all__ = ["live"]
