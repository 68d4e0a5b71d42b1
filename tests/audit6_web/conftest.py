"""Fixtures of the web audit (round 6): a populated store with one user per role
(``tests/web/webfactory.py``) and the app on it, with moderation, built once per session.

``client`` is tests/conftest.py's in-process client on this ``app``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, make_env, running_app  # noqa: E402


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
    return make_env(tmp_path_factory.mktemp("audit6-store"))


@pytest.fixture(scope="session")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The whole app, moderation included (its models load once, about 3 s)."""
    with running_app(env.path, tmp_path_factory.mktemp("audit6-cache"), "audit6-key") as app:
        yield app
