"""Fixtures of the session-15 small fixes' web tests: ``env`` and ``app`` of
``tests/web/webfixtures.py`` (one populated store and app for the folder, built only for
the tests that ask for them) and its ``ARGS``, ``CHROMIUM`` and ``serving``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import *  # noqa: E402, F403 - ARGS, CHROMIUM, serving
from webfixtures import web_fixtures  # noqa: E402

env, app, _moderation_app = web_fixtures("s15s", "s15s-key", scope="session")
