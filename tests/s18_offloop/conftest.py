"""Fixtures of the tests that the access audit's fsync is not run on the event loop:
``env`` (a populated store with one user per role, ``tests/web/webfactory.py``) and
``app`` (the app without moderation, for in-process requests)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "serving"]

_fixtures = web_fixtures("s18o-inproc", "s18o-key")
env, app = _fixtures.env, _fixtures.app
