"""Fixtures of the audit tests: the moderation-stats tests' history, and the web fixtures.

``history`` (a real store file with seven comments and six moderator actions, built once
per session) is the fixture of ``tests/moderate_stats/conftest.py``, loaded from there so
that these tests also run alone. ``env`` (a populated store with one user per role) and
``app`` (without moderation) are ``tests/web/webfixtures.py``'s, as every web folder binds
them; ``webfactory`` (tests/web) starts real servers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
STATS_TESTS = TESTS / "moderate_stats"
sys.path[:0] = [str(STATS_TESTS), str(TESTS / "web")]  # modstats_helpers, webfactory

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "history", "serving"]

_spec = importlib.util.spec_from_file_location("audit3_stats_conftest", STATS_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_stats = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_stats)
history = _stats.history

_fixtures = web_fixtures("audit3", "test-key")
env, app = _fixtures.env, _fixtures.app
