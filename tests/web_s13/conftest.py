"""Fixtures of the web tests of session 13: the populated store of ``tests/web/webfactory.py``
(one user per role) and the app on it with every router (moderation's too), for in-process
requests through ``httpx.ASGITransport``; one store and app for the folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "env", "moderation_app", "serving"]

_fixtures = web_fixtures("s13w", "s13w-key", scope="session")
env, moderation_app = _fixtures.env, _fixtures.moderation_app
