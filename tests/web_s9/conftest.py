"""Fixtures of the web tests of session 9: the populated store of ``tests/web/webfactory.py``
(one user per role) and the app on it, with moderation (so its routes are covered too) and
without, for in-process requests through ``httpx.ASGITransport``."""

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
    return make_env(tmp_path_factory.mktemp("s9-store"))


@pytest.fixture(scope="module")
def moderation_app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app with moderation, every router included."""
    with running_app(env.path, tmp_path_factory.mktemp("s9-cache"), "s9-key") as application:
        yield application
