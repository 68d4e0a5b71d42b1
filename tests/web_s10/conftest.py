"""Fixtures of the web tests of session 10: the populated store of ``tests/web/webfactory.py``
(one user per role) and the app on it (``tests/web/webfixtures.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "moderation_app", "serving"]

env, app, moderation_app = web_fixtures("s10w", "s10w-key")
