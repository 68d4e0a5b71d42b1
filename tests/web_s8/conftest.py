"""Fixtures of the web tests of session 8: the populated store of ``tests/web/webfactory.py``
(one user per role), the app on it, and ``serving`` (webfactory's: an app on 127.0.0.1 in a
thread, so a real browser sees the server's real headers)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, make_env, running_app, serving  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "serving"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
    return make_env(tmp_path_factory.mktemp("s8w-store"))


@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app without moderation, for in-process requests (tests/conftest.py's ``client``)."""
    cache = tmp_path_factory.mktemp("s8w-cache")
    with running_app(env.path, cache, "s8w-key", moderation=False) as application:
        yield application
