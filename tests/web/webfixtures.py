"""The fixtures every web test folder's ``conftest.py`` repeated, defined once: the populated
store of ``webfactory`` (one user per role) and the app on it, without and with moderation.

A folder's conftest binds them with its own names (its tmp folders and pseudonym key, which
some of its tests compute pseudonyms with)::

    env, app, moderation_app = web_fixtures("s8w", "s8w-key")

``live_server_fixture`` is the real `mutewatch serve` a folder or test module binds::

    live = live_server_fixture("audit6-live", name="live")

It also re-exports ``ARGS``, ``CHROMIUM`` and ``serving``: tests that ``from conftest import``
them meet whichever folder's ``conftest`` module pytest imported last (every test folder
has one, and ``pytest tests/web*`` loads them all first), so every web conftest offers them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from webfactory import Env, LiveServer, make_env, running_app, running_server, serving

__all__ = ["ARGS", "CHROMIUM", "WebFixtures", "live_server_fixture", "serving", "web_fixtures"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


class WebFixtures(NamedTuple):
    """The fixtures ``env``, ``app`` and ``moderation_app`` of one test folder."""

    env: Any
    app: Any
    moderation_app: Any


def web_fixtures(prefix: str, key: str, *, scope: Any = "module") -> WebFixtures:
    """``env`` (a populated store with viewer1, analyst1, moderator1 and
    admin1), ``app`` (the app without moderation: the dashboard and the measurement API,
    for in-process requests) and ``moderation_app`` (every router included), their tmp
    folders named after ``prefix`` and the app's pseudonym key ``key``; ``scope``: pytest's
    (default ``"module"``; ``"session"``: one store and app for all the folder's modules)."""

    @pytest.fixture(scope=scope, name="env")
    def env_fixture(tmp_path_factory: pytest.TempPathFactory) -> Env:
        """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
        return make_env(tmp_path_factory.mktemp(f"{prefix}-store"))

    @pytest.fixture(scope=scope, name="app")
    def app_fixture(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
        """The app without moderation, for in-process requests (``client``)."""
        cache = tmp_path_factory.mktemp(f"{prefix}-cache")
        with running_app(env.path, cache, key, moderation=False) as application:
            yield application

    @pytest.fixture(scope=scope, name="moderation_app")
    def moderation_app_fixture(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
        """The app with moderation, every router included."""
        cache = tmp_path_factory.mktemp(f"{prefix}-mod-cache")
        with running_app(env.path, cache, key) as application:
            yield application

    return WebFixtures(env_fixture, app_fixture, moderation_app_fixture)


def live_server_fixture(prefix: str, *, name: str = "live_server", scope: Any = "module") -> Any:
    """The fixture ``name``: a real `mutewatch serve` on 127.0.0.1 (``webfactory.LiveServer``)
    over a populated store of its own (one user per role), for the ``scope``; its tmp folders
    named after ``prefix``."""

    @pytest.fixture(scope=scope, name=name)
    def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
        """A real `mutewatch serve` on 127.0.0.1 over a populated store of its own."""
        env = make_env(tmp_path_factory.mktemp(f"{prefix}-store"))
        with running_server(env, tmp_path_factory.mktemp(f"{prefix}-log")) as server:
            yield server

    return live_server
