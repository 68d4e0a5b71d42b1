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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory, webfixtures

from webfactory import Env, make_env, running_app  # noqa: E402
from webfixtures import ARGS, CHROMIUM, serving, web_fixtures  # noqa: E402

__all__ = ["ARGS", "CHROMIUM", "app", "env", "serving"]

_fixtures = web_fixtures("s7w-inproc", "s7w-key")
env, app = _fixtures.env, _fixtures.app


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
