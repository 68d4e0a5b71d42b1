"""Fixtures of the audit tests: the moderation-stats tests' history, shared.

``history`` (a real store file with seven comments and six moderator actions, built once
per session) is the fixture of ``tests/moderate_stats/conftest.py``, loaded from there so
that these tests also run alone; so are ``env`` (a populated store with one user per role)
and ``app`` of ``tests/web/conftest.py``. ``webfactory`` (tests/web) starts
real servers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
STATS_TESTS = TESTS / "moderate_stats"
sys.path[:0] = [str(STATS_TESTS), str(TESTS / "web")]  # modstats_helpers, webfactory


def _conftest(folder: Path, name: str) -> Any:
    """Another test folder's conftest module, loaded under its own name."""
    spec = importlib.util.spec_from_file_location(name, folder / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


history = _conftest(STATS_TESTS, "audit3_stats_conftest").history
_web = _conftest(TESTS / "web", "audit3_web_conftest")
env, app = _web.env, _web.app
