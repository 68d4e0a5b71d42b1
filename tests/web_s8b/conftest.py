"""Fixtures of the web tests of session 8b: the populated store of ``tests/web/webfactory.py``
(one user per role) and the app with moderation, for in-process requests. The moderator
page in Chromium is ``modpage.py`` (import it, not this file: every test folder has a
``conftest`` module, and one pytest run of several folders imports only the first)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "moderation_app", "serving"]

env, app, moderation_app = web_fixtures("s8b", "s8b-key")
