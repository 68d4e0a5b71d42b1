"""Fixtures of the web tests of session 7: a populated store with one user per role
(``tests/web/webfactory.py``) and the whole app (moderation included) served by uvicorn on
127.0.0.1 in a thread, so a real browser sees the server's real headers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, make_env, running_app, serving  # noqa: E402


@dataclass
class Served:
    """The app served on ``url`` for ``env``'s store."""

    url: str
    env: Env
    app: Any


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The whole app (moderation included) on a free port, for the module."""
    env = make_env(tmp_path_factory.mktemp("s7w-store"))
    cache = tmp_path_factory.mktemp("s7w-cache")
    with running_app(env.path, cache, "s7w-key") as app, serving(app) as url:
        yield Served(url, env, app)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
    return make_env(tmp_path_factory.mktemp("s7w-inproc-store"))


@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app without moderation, for in-process requests (tests/conftest.py's ``client``)."""
    cache = tmp_path_factory.mktemp("s7w-inproc-cache")
    with running_app(env.path, cache, "s7w-key", moderation=False) as application:
        yield application
