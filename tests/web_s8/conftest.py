"""Fixtures of the web tests of session 8: the populated store of ``tests/web/webfactory.py``
(one user per role), the app on it, and ``serving`` (webfactory's: an app on 127.0.0.1 in a
thread, so a real browser sees the server's real headers)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "serving"]

_fixtures = web_fixtures("s8w", "s8w-key")  # test_s8w_report_pseudonyms computes with the key
env, app = _fixtures.env, _fixtures.app
