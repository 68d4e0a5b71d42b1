"""Fixtures of the review tests (session 7): the populated web store of tests/web's
``webfactory`` (one user per role), bound from ``tests/web/webfixtures.py``; each test
module builds its own app over it (their settings differ on purpose)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "env", "serving"]

env = web_fixtures("r7", "r7-key").env
