"""Fixtures of the audit tests: the moderation-stats tests' history, shared.

``history`` (a real store file with seven comments and six moderator actions, built once
per session) is the fixture of ``tests/moderate_stats/conftest.py``, loaded from there so
that these tests also run alone.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

STATS_TESTS = Path(__file__).resolve().parents[1] / "moderate_stats"
sys.path.insert(0, str(STATS_TESTS))
_spec = importlib.util.spec_from_file_location("audit3_stats_conftest", STATS_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_stats_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_stats_conftest)
history = _stats_conftest.history
