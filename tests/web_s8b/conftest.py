"""Fixtures of the web tests of session 8b: the populated store of ``tests/web/webfactory.py``
(one user per role) and the app with moderation, for in-process requests. The moderator
page in Chromium is ``modpage.py`` (import it, not this file: every test folder has a
``conftest`` module, and one pytest run of several folders imports only the first)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, make_env, running_app  # noqa: E402


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
    return make_env(tmp_path_factory.mktemp("s8b-store"))


@pytest.fixture(scope="module")
def moderation_app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app with moderation, for in-process requests."""
    with running_app(env.path, tmp_path_factory.mktemp("s8b-cache"), "s8b-key") as application:
        yield application


@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app without moderation (the dashboard and the measurement API)."""
    cache = tmp_path_factory.mktemp("s8b-dash-cache")
    with running_app(env.path, cache, "s8b-key", moderation=False) as application:
        yield application
