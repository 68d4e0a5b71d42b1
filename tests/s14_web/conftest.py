"""Fixtures of the web tests of session 14, one store and app for the folder: ``env`` (the
populated store of ``tests/web/webfactory.py``, one user per role) and ``moderation_app``
(the app on it with every router, moderation's too) for in-process requests through
``httpx.ASGITransport``. Like every web folder's conftest it offers ``ARGS``, ``CHROMIUM``
and ``serving`` too (``tests/web/webfixtures.py`` says why)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import *  # noqa: E402, F403 - ARGS, CHROMIUM, serving
from webfixtures import web_fixtures  # noqa: E402

env, _app, moderation_app = web_fixtures("s14w", "s14w-key", scope="session")
