"""Fixtures of the audit tests: the moderation-stats tests' history, shared.

``history`` (a real store file with seven comments and six moderator actions, built once
per session) is the fixture of ``tests/moderate_stats/conftest.py``, loaded from there so
that these tests also run alone. ``webfactory`` (tests/web) starts real servers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
STATS_TESTS = TESTS / "moderate_stats"
sys.path[:0] = [str(STATS_TESTS), str(TESTS / "web")]  # modstats_helpers, webfactory
_spec = importlib.util.spec_from_file_location("audit3_stats_conftest", STATS_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_stats_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_stats_conftest)
history = _stats_conftest.history
