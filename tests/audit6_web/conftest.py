"""Fixtures of the web audit (round 6): the populated store of ``tests/web/webfactory.py``
(one user per role) and the app on it with moderation (``tests/web/webfixtures.py``), built
once per session.

``client`` is tests/conftest.py's in-process client on this folder's ``app``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "moderation_app", "serving"]

# one store and app for the session, as before: a moderation app per module costs ~10% here
_fixtures = web_fixtures("audit6", "audit6-key", scope="session")
env, moderation_app = _fixtures.env, _fixtures.moderation_app


# differs on purpose: this folder's ``app`` (so ``client``) is the app with moderation
@pytest.fixture(scope="session")
def app(moderation_app: Any) -> Any:
    """The app with moderation, every router included (``moderation_app``)."""
    return moderation_app
