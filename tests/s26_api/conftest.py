"""Fixtures of the session-26 web API tests: ``env`` (the populated store of
``tests/web/webfactory.py``, one user per role) and ``app`` (the app on it with every
router, moderation's too), one of each for the folder; ``client`` is tests/conftest.py's
in-process client (``httpx.ASGITransport``) on ``app``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import web_fixtures  # noqa: E402

_fixtures = web_fixtures("s26a", "s26a-key", scope="session")
env, moderation_app = _fixtures.env, _fixtures.moderation_app


@pytest.fixture(scope="session")
def app(moderation_app: Any) -> Any:
    """The app with moderation, every router included (``moderation_app``)."""
    return moderation_app
