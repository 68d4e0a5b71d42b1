"""Fixtures of the session-18 moderator page tests: tests/s18_moderate's, as they are (its
conftest loaded from its file: the folders it puts on sys.path for its page helpers and
tests/moderate_s11_page's headless Chromium, and its ``live`` server on 127.0.0.1: a DuckDB
store file, the two-clause policy, article a1, moderators ``mod`` and ``mod2``, a viewer)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_FILE = Path(__file__).resolve().parents[1] / "s18_moderate" / "conftest.py"
_SPEC = importlib.util.spec_from_file_location("s18pg_s18m_conftest", _FILE)
assert _SPEC is not None and _SPEC.loader is not None
_S18M = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_S18M)
live = _S18M.live
__all__ = ["live"]
